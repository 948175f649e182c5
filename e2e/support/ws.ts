import { ClientOptions, WebSocket } from 'ws';

/** A frame as received: JSON whose shape each test checks with expect(). */
export type Frame = Record<string, any>;

/**
 * A real `ws` client that records every frame it receives, so a test can await the
 * frame it expects (never sleep) and check what else arrived.
 */
export class WsClient {
  readonly frames: Frame[] = [];
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Pings received from the server (counted from the very first, which may come with the handshake). */
  pings = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('ping', () => (this.pings += 1));
    socket.on('message', (data) => {
      const frame = JSON.parse((data as Buffer).toString()) as Frame; // binaryType 'nodebuffer' (ws's default)
      this.frames.push(frame);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /**
   * Opens a socket; resolves once the handshake completed (not waiting for `ready`).
   * `options` go to `ws` as they are (e.g. `{ autoPong: false }` for a client that never answers pings).
   */
  static open(url: string, protocols?: string[], options?: ClientOptions): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, protocols, options);
      const client = new WsClient(socket);
      socket.once('open', () => resolve(client));
      socket.once('error', reject);
    });
  }

  /** Opens the caller's `/ws` stream with the token as a subprotocol and waits for `ready`. */
  static async stream(baseUrl: string, token: string): Promise<WsClient> {
    const client = await WsClient.open(`${baseUrl.replace(/^http/, 'ws')}/ws`, ['chatflow.v1', `bearer.${token}`]);
    await client.next((f) => f.type === 'ready');
    return client;
  }

  /** Opens the seed's per-conversation socket and waits for `ready`. */
  static async conversation(baseUrl: string, conversationId: string, token: string): Promise<WsClient> {
    const client = await WsClient.open(`${baseUrl.replace(/^http/, 'ws')}/ws/${conversationId}/${token}`);
    await client.next((f) => f.type === 'ready');
    return client;
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (already received or still to come) that matches. */
  next(match: (frame: Frame) => boolean, timeoutMs = 5_000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(new Error(`no matching frame within ${timeoutMs} ms; received: ${JSON.stringify(this.frames).slice(0, 2000)}`));
      }, timeoutMs);
      const done = (frame: Frame) => {
        clearTimeout(timer);
        resolve(frame);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  /** Resolves once `count` frames matching have been received. */
  async collect(match: (frame: Frame) => boolean, count: number, timeoutMs = 10_000): Promise<Frame[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.frames.filter(match);
      if (matching.length >= count) return matching.slice(0, count);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`received ${matching.length} of ${count} matching frames`);
      await this.next((f) => match(f) && !matching.includes(f), remaining);
    }
  }

  /** A position in the frames received so far: `nextSince(mark(), …)` only looks at frames that arrive later. */
  mark(): number {
    return this.frames.length;
  }

  /** The first matching frame received at or after position `mark` (see `mark()`). */
  nextSince(mark: number, match: (frame: Frame) => boolean, timeoutMs = 5_000): Promise<Frame> {
    return this.next((f) => this.frames.indexOf(f) >= mark && match(f), timeoutMs);
  }

  /** The frames received before `frame` (one of `frames`), oldest first. */
  before(frame: Frame): Frame[] {
    const index = this.frames.indexOf(frame);
    if (index < 0) throw new Error('before(): not a frame this client received');
    return this.frames.slice(0, index);
  }

  /** True while the socket is open (neither closing nor closed). */
  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close();
    return this.closed;
  }
}

/**
 * For a suite: registers an `afterEach` that closes every socket opened through the
 * returned function, whatever happened in the test. Tests still close sockets themselves
 * when closing is part of the behaviour.
 */
export function closedAfterEach(): (opening: Promise<WsClient>) => Promise<WsClient> {
  const open = new Set<WsClient>();
  afterEach(async () => {
    const sockets = [...open];
    open.clear();
    await Promise.all(sockets.map((s) => s.close()));
  });
  return async (opening) => {
    const client = await opening;
    open.add(client);
    return client;
  };
}
