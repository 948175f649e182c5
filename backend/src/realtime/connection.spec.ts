import { CLOSE_CODES } from '@chatflow/protocol';
import { fakeSocket } from '../testing/fake-socket';
import { Connection } from './connection';

const limits = { maxBufferedBytes: 1000, framesPerSecond: 2, frameBurst: 3 };

describe('Connection', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('allows a burst, slows the next burst down to the sustained rate, then refuses', () => {
    const connection = new Connection(fakeSocket().socket, limits);
    // 3 at once, 3 more at 2 per second (after 500, 1000, 1500 ms), then none.
    expect([1, 2, 3, 4, 5, 6, 7].map(() => connection.admitFrame())).toEqual([0, 0, 0, 500, 1000, 1500, false]);
    jest.advanceTimersByTime(2000);
    // Four tokens back (the debt of 3 paid, one more): the next frame runs at once.
    expect(connection.admitFrame()).toBe(0);
    expect(connection.admitFrame()).toBe(500);
  });

  it('runs its tasks one at a time, in order', async () => {
    const connection = new Connection(fakeSocket().socket, limits);
    const order: string[] = [];
    const slow = connection.run(async () => {
      await Promise.resolve();
      order.push('first');
    });
    const fast = connection.run(async () => {
      order.push('second');
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(['first', 'second']);
  });

  it('keeps running tasks after one fails', async () => {
    const connection = new Connection(fakeSocket().socket, limits);
    await expect(connection.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    let ran = false;
    await connection.run(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
  });

  it('closes a consumer whose unsent data is over the bound instead of buffering more', () => {
    const { socket, sent, closes } = fakeSocket(5000);
    new Connection(socket, limits).send({ type: 'ready', user_id: 'u' });
    expect(sent).toEqual([]);
    expect(closes).toEqual([[CLOSE_CODES.slowConsumer, expect.stringContaining('slow consumer')]]);
  });

  it('sends events as JSON text', () => {
    const { socket, sent } = fakeSocket();
    new Connection(socket, limits).send({ type: 'ready', user_id: 'u' });
    expect(sent.map((s) => JSON.parse(s))).toEqual([{ type: 'ready', user_id: 'u' }]);
  });

  it('corks the TCP socket for the rest of the turn, so one turn\'s frames leave in one write', async () => {
    jest.useRealTimers();
    const calls: string[] = [];
    const raw = { cork: () => calls.push('cork'), uncork: () => calls.push('uncork') };
    const { socket, sent } = fakeSocket();
    (socket as unknown as { _socket: unknown })._socket = raw;
    const connection = new Connection(socket, limits);
    connection.send({ type: 'ready', user_id: 'u' });
    connection.sendSerialized('{"type":"typing"}');
    expect(sent).toHaveLength(2);
    expect(calls).toEqual(['cork']);
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(calls).toEqual(['cork', 'uncork']);
    connection.send({ type: 'ready', user_id: 'u' });
    await new Promise<void>((resolve) => process.nextTick(resolve));
    expect(calls).toEqual(['cork', 'uncork', 'cork', 'uncork']);
  });

  it('closes with 4401 when its token expires, and not before', () => {
    const fake = fakeSocket();
    const connection = new Connection(fake.socket, limits);
    connection.expireAt(Date.now() + 60_000);
    jest.advanceTimersByTime(59_999);
    expect(fake.closes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fake.closes).toEqual([[CLOSE_CODES.unauthorized, 'token expired']]);
  });

  it('waits out a token that lives longer than one timer can', () => {
    const fake = fakeSocket();
    const connection = new Connection(fake.socket, limits);
    const thirtyDays = 30 * 86_400_000;
    connection.expireAt(Date.now() + thirtyDays);
    jest.advanceTimersByTime(thirtyDays - 1);
    expect(fake.closes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(fake.closes).toEqual([[CLOSE_CODES.unauthorized, 'token expired']]);
  });

  it('forgets the expiry once closed for another reason', () => {
    const fake = fakeSocket();
    const connection = new Connection(fake.socket, limits);
    connection.expireAt(Date.now() + 1000);
    connection.close(CLOSE_CODES.goingAway, 'bye');
    jest.advanceTimersByTime(5000);
    expect(fake.closes).toEqual([[CLOSE_CODES.goingAway, 'bye']]);
  });
});
