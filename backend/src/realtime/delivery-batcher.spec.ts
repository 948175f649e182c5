import type { DeliveryReceipt } from '../conversations/messages.repository';
import { DeliveryBatcher } from './delivery-batcher';

describe('DeliveryBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('writes a burst of receipts once, keeping the highest position per user and conversation', async () => {
    const writes: DeliveryReceipt[][] = [];
    const batcher = new DeliveryBatcher(async (r) => void writes.push(r), 20);
    batcher.note('c1', 'u1', 3);
    batcher.note('c1', 'u1', 5);
    batcher.note('c1', 'u1', 4);
    batcher.note('c1', 'u2', 5);
    await jest.advanceTimersByTimeAsync(20);
    expect(writes).toEqual([
      [
        { conversationId: 'c1', userId: 'u1', seq: 5 },
        { conversationId: 'c1', userId: 'u2', seq: 5 },
      ],
    ]);
  });

  it('reports a failed write and keeps working', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const writes: DeliveryReceipt[][] = [];
    const batcher = new DeliveryBatcher(
      async (r) => {
        if (fail) throw new Error('db down');
        writes.push(r);
      },
      10,
      (e) => errors.push(e),
    );
    batcher.note('c1', 'u1', 1);
    await jest.advanceTimersByTimeAsync(10);
    fail = false;
    batcher.note('c1', 'u1', 2);
    await jest.advanceTimersByTimeAsync(10);
    expect(errors).toHaveLength(1);
    expect(writes).toEqual([[{ conversationId: 'c1', userId: 'u1', seq: 2 }]]);
  });
});
