import type { SocketLike } from '../realtime/RealtimeClient';

/** A WebSocket the test drives: it records frames sent and lets the test play the server. */
export class FakeSocket implements SocketLike {
  static instances: FakeSocket[] = [];
  readyState = 0;
  readonly sent: string[] = [];
  closedWith: number | undefined;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.instances.push(this);
  }

  static reset(): void {
    FakeSocket.instances = [];
  }

  static latest(): FakeSocket {
    const socket = FakeSocket.instances[FakeSocket.instances.length - 1];
    if (!socket) throw new Error('no socket was opened');
    return socket;
  }

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(data);
  }

  close(code = 1000): void {
    this.readyState = 3;
    this.closedWith = code;
  }

  /** The server accepts the handshake and says ready. */
  accept(userId = 'me'): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
    this.push({ type: 'ready', user_id: userId });
  }

  push(event: object): void {
    this.onmessage?.({ data: JSON.stringify(event) } as MessageEvent);
  }

  /** The connection drops (or the server closes it with `code`). */
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }

  frames(): Array<Record<string, unknown>> {
    return this.sent.map((data) => JSON.parse(data) as Record<string, unknown>);
  }
}
