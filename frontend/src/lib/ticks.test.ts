import { deliveryLabel, statusFromReceipts } from './ticks';

const message = { sender_id: 'me', created_at: '2026-11-24T10:00:00.000Z', status: 'sent' as const };
const before = '2026-11-24T09:59:59.999Z';
const same = '2026-11-24T10:00:00.000Z';
const after = '2026-11-24T10:00:05.000Z';

describe('statusFromReceipts', () => {
  it('is sent until the other participant has received it', () => {
    expect(statusFromReceipts(message, ['me', 'bob'], {})).toBe('sent');
    expect(statusFromReceipts(message, ['me', 'bob'], { bob: { delivered: before } })).toBe('sent');
  });

  it('is delivered once their delivered timestamp reaches created_at', () => {
    expect(statusFromReceipts(message, ['me', 'bob'], { bob: { delivered: same } })).toBe('delivered');
  });

  it('is read once their read timestamp reaches created_at', () => {
    expect(statusFromReceipts(message, ['me', 'bob'], { bob: { read: after } })).toBe('read');
  });

  it('in a group, needs every other participant', () => {
    const ids = ['me', 'bob', 'carol'];
    expect(statusFromReceipts(message, ids, { bob: { read: after } })).toBe('sent');
    expect(statusFromReceipts(message, ids, { bob: { read: after }, carol: { delivered: after } })).toBe('delivered');
    expect(statusFromReceipts(message, ids, { bob: { read: after }, carol: { read: after } })).toBe('read');
  });

  it('never goes below the status the server gave', () => {
    expect(statusFromReceipts({ ...message, status: 'read' }, ['me', 'bob'], {})).toBe('read');
    expect(statusFromReceipts({ ...message, status: 'delivered' }, ['me', 'bob'], { bob: { delivered: before } })).toBe('delivered');
  });
});

describe('deliveryLabel', () => {
  it('names each state', () => {
    expect(['sending', 'failed', 'sent', 'delivered', 'read'].map((s) => deliveryLabel(s as never))).toEqual([
      'Sending',
      'Not sent',
      'Sent',
      'Delivered',
      'Read',
    ]);
  });
});
