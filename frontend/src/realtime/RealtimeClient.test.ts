import { FakeSocket } from '../test-utils/fakeSocket';
import { defaultSocketUrl, RealtimeClient, type RealtimeOptions } from './RealtimeClient';

function client(overrides: Partial<RealtimeOptions> = {}) {
  const events: string[] = [];
  const options = {
    url: 'ws://test/ws',
    token: () => 'tok',
    onEvent: jest.fn((event: { type: string }) => events.push(event.type)),
    onReady: jest.fn(),
    onSendFailed: jest.fn(),
    onUnauthorized: jest.fn(),
    onStateChange: jest.fn(),
    random: () => 0.5,
    createSocket: (url: string, protocols: string[]) => new FakeSocket(url, protocols),
    ...overrides,
  };
  const realtime = new RealtimeClient(options);
  return { realtime, options, events };
}

/** Closes each new socket with `code`: the client waits exactly each of `delays` (ms) in turn before opening the next. */
function expectRetries(options: ReturnType<typeof client>['options'], code: number, delays: number[]): void {
  for (const delay of delays) {
    FakeSocket.latest().drop(code);
    expect(options.onStateChange).toHaveBeenLastCalledWith('waiting', delay, code);
    const before = FakeSocket.instances.length;
    jest.advanceTimersByTime(delay - 1);
    expect(FakeSocket.instances).toHaveLength(before);
    jest.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(before + 1);
  }
}

const frame = (clientId: string) => ({ type: 'message' as const, conversation_id: 'c1', content: 'hi', client_id: clientId });

beforeEach(() => {
  jest.useFakeTimers();
  FakeSocket.reset();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('RealtimeClient', () => {
  it('opens one socket with the chatflow.v1 and bearer subprotocols', () => {
    const { realtime } = client();
    realtime.start();
    realtime.start();
    expect(FakeSocket.instances).toHaveLength(1);
    expect(FakeSocket.latest().url).toBe('ws://test/ws');
    expect(FakeSocket.latest().protocols).toEqual(['chatflow.v1', 'bearer.tok']);
  });

  it('sends nothing before `ready`, then flushes queued messages', () => {
    const { realtime, options } = client();
    realtime.start();
    realtime.sendMessage(frame('a'));
    const socket = FakeSocket.latest();
    socket.readyState = 1;
    expect(realtime.sendNow({ type: 'typing', conversation_id: 'c1', is_typing: true })).toBe(false);
    expect(socket.sent).toEqual([]);
    socket.accept();
    expect(socket.frames()).toEqual([frame('a')]);
    expect(options.onReady).toHaveBeenCalledWith(false);
    expect(realtime.connectionState).toBe('ready');
  });

  it('reconnects with exponential backoff and jitter, waiting for ready before catching up', () => {
    const random = jest.fn(() => 0.5);
    const { realtime, options } = client({ random });
    realtime.start();
    FakeSocket.latest().accept();
    expect(options.onReady).toHaveBeenCalledTimes(1);

    // Drop three times without ever getting ready: delays are 0.75×500, 0.75×1000, 0.75×2000.
    const expected = [375, 750, 1500];
    for (const delay of expected) {
      FakeSocket.latest().drop();
      const before = FakeSocket.instances.length;
      jest.advanceTimersByTime(delay - 1);
      expect(FakeSocket.instances).toHaveLength(before);
      jest.advanceTimersByTime(1);
      expect(FakeSocket.instances).toHaveLength(before + 1);
    }
    expect(options.onStateChange).toHaveBeenCalledWith('waiting', 1500, 1006);

    // Open but not ready yet: no catch-up.
    FakeSocket.latest().readyState = 1;
    expect(options.onReady).toHaveBeenCalledTimes(1);
    FakeSocket.latest().push({ type: 'ready', user_id: 'me' });
    expect(options.onReady).toHaveBeenLastCalledWith(true);

    // A ready connection resets the backoff.
    FakeSocket.latest().drop();
    jest.advanceTimersByTime(374);
    const count = FakeSocket.instances.length;
    jest.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(count + 1);
  });

  it('keeps every delay within [cap/2, cap] for any random draw', () => {
    for (const draw of [0, 0.25, 0.999]) {
      FakeSocket.reset();
      const { realtime } = client({ random: () => draw });
      realtime.start();
      FakeSocket.latest().drop();
      jest.advanceTimersByTime(249);
      expect(FakeSocket.instances).toHaveLength(1);
      jest.advanceTimersByTime(251);
      expect(FakeSocket.instances).toHaveLength(2);
      realtime.stop();
    }
  });

  it('resends unacknowledged messages with the same client_id after a reconnect, and not acknowledged ones', () => {
    const { realtime } = client();
    realtime.start();
    const first = FakeSocket.latest();
    first.accept();
    realtime.sendMessage(frame('a'));
    realtime.sendMessage(frame('b'));
    first.push({ type: 'ack', client_id: 'a', message: { id: 'm1' } });
    expect(realtime.pending()).toEqual(['b']);
    first.drop();
    jest.advanceTimersByTime(500);
    const second = FakeSocket.latest();
    expect(second).not.toBe(first);
    expect(second.sent).toEqual([]);
    second.accept();
    expect(second.frames()).toEqual([frame('b')]);
  });

  it('reports a message as failed when the server refuses its client_id', () => {
    const { realtime, options } = client();
    realtime.start();
    FakeSocket.latest().accept();
    realtime.sendMessage(frame('a'));
    FakeSocket.latest().push({ type: 'error', code: 'invalid_frame', detail: 'content too long', client_id: 'a' });
    expect(options.onSendFailed).toHaveBeenCalledWith('a', 'content too long');
    expect(realtime.pending()).toEqual([]);
  });

  it('reports a message as failed when no ack comes in time, but not while disconnected', () => {
    const { realtime, options } = client({ ackTimeoutMs: 10_000 });
    realtime.start();
    FakeSocket.latest().accept();
    realtime.sendMessage(frame('a'));
    jest.advanceTimersByTime(9_999);
    expect(options.onSendFailed).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(options.onSendFailed).toHaveBeenCalledWith('a', expect.any(String));

    realtime.sendMessage(frame('b'));
    FakeSocket.latest().drop();
    jest.advanceTimersByTime(20_000);
    expect(options.onSendFailed).toHaveBeenCalledTimes(1);
  });

  it('stops and reports 4401 as an expired session instead of reconnecting', () => {
    const { realtime, options } = client();
    realtime.start();
    FakeSocket.latest().accept();
    FakeSocket.latest().drop(4401);
    jest.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(options.onUnauthorized).toHaveBeenCalledTimes(1);
    expect(options.onUnauthorized).toHaveBeenCalledWith('expired');
    expect(realtime.connectionState).toBe('stopped');
  });

  it('stops at session_revoked and reports the session revoked, once, whatever close follows', () => {
    const { realtime, options } = client();
    realtime.start();
    const socket = FakeSocket.latest();
    socket.accept();
    socket.push({ type: 'session_revoked' });
    expect(options.onUnauthorized).toHaveBeenCalledWith('revoked');
    expect(realtime.connectionState).toBe('stopped');
    expect(socket.closedWith).toBe(1000);
    // The server's 4401 (or a dropped line) after it changes nothing and opens nothing.
    socket.drop(4401);
    jest.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);
    expect(options.onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('keeps reconnecting after other server closes, until a 4401', () => {
    const { realtime, options } = client();
    realtime.start();
    FakeSocket.latest().drop(1011);
    jest.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.latest().drop(4401);
    jest.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(2);
    expect(options.onUnauthorized).toHaveBeenCalledWith('expired');
  });

  it.each([
    ['1013 (the database is down: try again later)', 1013],
    ['1011 (the server failed opening it)', 1011],
  ])('keeps the session after %s and retries with growing backoff', (_, code) => {
    const { realtime, options } = client();
    realtime.start();
    // With random() = 0.5 each delay is 0.75 × its cap: 0.5 s, 1 s, 2 s, 4 s.
    expectRetries(options, code, [375, 750, 1500, 3000]);
    expect(options.onUnauthorized).not.toHaveBeenCalled();
    FakeSocket.latest().accept();
    expect(realtime.connectionState).toBe('ready');
  });

  it('keeps reconnecting after 4429 (too many sockets), a few seconds apart and further each time, saying why', () => {
    const { realtime, options } = client();
    realtime.start();
    // With random() = 0.5 each delay is 0.75 × its cap: 4 s, 8 s, 16 s, then the 30 s maximum.
    expectRetries(options, 4429, [3000, 6000, 12_000, 22_500, 22_500]);
    expect(options.onUnauthorized).not.toHaveBeenCalled();

    // Let in once another socket closed: the next drop starts the backoff over.
    FakeSocket.latest().accept();
    FakeSocket.latest().drop();
    expect(options.onStateChange).toHaveBeenLastCalledWith('waiting', 375, 1006);
  });

  it('stop() closes the socket and cancels a scheduled reconnect', () => {
    const { realtime } = client();
    realtime.start();
    FakeSocket.latest().drop();
    realtime.stop();
    jest.advanceTimersByTime(60_000);
    expect(FakeSocket.instances).toHaveLength(1);

    realtime.start();
    const socket = FakeSocket.latest();
    realtime.stop();
    expect(socket.closedWith).toBe(1000);
  });

  it('reconnectNow() skips the rest of the backoff', () => {
    const { realtime } = client();
    realtime.start();
    FakeSocket.latest().drop();
    realtime.reconnectNow();
    expect(FakeSocket.instances).toHaveLength(2);
  });

  it('passes every event on and ignores frames it cannot parse', () => {
    const { realtime, events } = client();
    realtime.start();
    const socket = FakeSocket.latest();
    socket.accept();
    socket.onmessage?.({ data: 'not json' } as MessageEvent);
    socket.push({ type: 'something_new' });
    socket.push({ type: 'presence', user_id: 'u', status: 'online', last_seen_at: null });
    expect(events).toEqual(['ready', 'presence']);
  });
});

describe('defaultSocketUrl', () => {
  it('derives ws or wss from the page', () => {
    expect(defaultSocketUrl({ protocol: 'http:', host: 'localhost:3000' })).toBe('ws://localhost:3000/ws');
    expect(defaultSocketUrl({ protocol: 'https:', host: 'chat.example.com' })).toBe('wss://chat.example.com/ws');
  });
});
