import {
  BEARER_SUBPROTOCOL_PREFIX,
  CLOSE_CODES,
  parseServerEvent,
  SUBPROTOCOL,
  type ClientFrame,
  type MessageFrame,
  type ServerEvent,
} from '@chatflow/protocol';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';

/** The part of the browser's WebSocket this client uses (so tests can hand in a fake). */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * - `connecting`: a socket is opening or waiting for `ready`;
 * - `ready`: every event from now on is delivered;
 * - `waiting`: disconnected, a reconnect is scheduled;
 * - `stopped`: closed for good (stop(), or the token was refused).
 */
export type ConnectionState = 'connecting' | 'ready' | 'waiting' | 'stopped';

export interface RealtimeOptions {
  url: string;
  token: () => string | null;
  onEvent: (event: ServerEvent) => void;
  /** After every `ready`: the place to catch up on what was missed (page the conversations' events). */
  onReady?: (reconnected: boolean) => void;
  /** While `waiting`: when the next attempt starts, and the close code that ended the last connection. */
  onStateChange?: (state: ConnectionState, retryInMs?: number, closeCode?: number) => void;
  /** A message frame was refused (an `error` naming its client_id) or not acknowledged in time. */
  onSendFailed?: (clientId: string, reason: string) => void;
  /**
   * The server refused the token: `revoked` when it said `session_revoked` (logged out, or
   * revoked from another device); `expired` for a 4401 alone (missing, invalid, expired, or
   * revoked while this client was away: the close code does not tell).
   */
  onUnauthorized?: (why: 'expired' | 'revoked') => void;
  backoff?: BackoffOptions;
  ackTimeoutMs?: number;
  random?: () => number;
  createSocket?: (url: string, protocols: string[]) => SocketLike;
}

const OPEN = 1;

/**
 * A socket refused for holding too many (4429) is refused again until the user closes
 * another tab or device: its retries start at the backoff's fourth step (2–4 s by default),
 * not at half a second.
 */
const TOO_MANY_CONNECTIONS_FIRST_ATTEMPT = 3;

/**
 * A message frame as this client sends it on /ws: it names its conversation, and it is
 * queued under its client_id until acknowledged (the protocol leaves both optional, for the
 * per-conversation socket and for clients that do not resend).
 */
export type OutgoingMessageFrame = MessageFrame & Required<Pick<MessageFrame, 'conversation_id' | 'client_id'>>;

interface Outgoing {
  frame: OutgoingMessageFrame;
  ackTimer?: ReturnType<typeof setTimeout>;
}

/**
 * One connection to the caller's stream (`/ws`). It reconnects with exponential backoff and
 * jitter, waits for `ready` before reporting the connection usable (so the catch-up that
 * follows leaves no gap), and keeps every message frame until its `ack` arrives, sending
 * unacknowledged ones again, with the same client_id, after each reconnect; the server
 * stores a client_id once. It knows nothing about React or the stores.
 */
export class RealtimeClient {
  private socket: SocketLike | null = null;
  private state: ConnectionState = 'stopped';
  private attempt = 0;
  private everReady = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly outbox = new Map<string, Outgoing>();
  private readonly options: Required<
    Pick<RealtimeOptions, 'backoff' | 'ackTimeoutMs' | 'random' | 'createSocket'>
  > &
    RealtimeOptions;

  constructor(options: RealtimeOptions) {
    this.options = {
      backoff: DEFAULT_BACKOFF,
      ackTimeoutMs: 10_000,
      random: Math.random,
      createSocket: (url, protocols) => new WebSocket(url, protocols),
      ...options,
    };
  }

  get connectionState(): ConnectionState {
    return this.state;
  }

  start(): void {
    if (this.state !== 'stopped') return;
    this.connect();
  }

  stop(): void {
    this.clearRetry();
    this.clearAckTimers();
    this.setState('stopped');
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      detach(socket);
      socket.close(1000, 'client closed');
    }
  }

  /** Skips the remaining backoff (e.g. the browser just came back online). */
  reconnectNow(): void {
    if (this.state !== 'waiting') return;
    this.clearRetry();
    this.connect();
  }

  /**
   * Queues a message frame. It goes out now if the connection is ready, otherwise after the
   * next `ready`; either way it stays queued until acknowledged. Sending a client_id again
   * (a retry) is safe: the server answers with the message it first stored.
   */
  sendMessage(frame: OutgoingMessageFrame): void {
    const previous = this.outbox.get(frame.client_id);
    if (previous?.ackTimer) clearTimeout(previous.ackTimer);
    const outgoing: Outgoing = { frame };
    this.outbox.set(frame.client_id, outgoing);
    if (this.state === 'ready') this.transmit(outgoing);
  }

  /** Stops waiting for a message's ack: it is not sent again, and nothing reports it failed. */
  cancel(clientId: string): void {
    this.settle(clientId);
  }

  /** Sends a frame that is worthless later (typing, read); false when not connected. */
  sendNow(frame: ClientFrame): boolean {
    if (this.state !== 'ready' || !this.socket || this.socket.readyState !== OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** client_ids still waiting for their ack. */
  pending(): string[] {
    return [...this.outbox.keys()];
  }

  private connect(): void {
    const token = this.options.token();
    if (!token) {
      this.setState('stopped');
      this.options.onUnauthorized?.('expired');
      return;
    }
    this.setState('connecting');
    const socket = this.options.createSocket(this.options.url, [SUBPROTOCOL, `${BEARER_SUBPROTOCOL_PREFIX}${token}`]);
    this.socket = socket;
    socket.onmessage = (event) => this.receive(event.data);
    socket.onclose = (event) => this.closed(socket, event.code);
    // A failed handshake is followed by `close`, which does the reconnecting.
    socket.onerror = () => undefined;
  }

  private receive(data: unknown): void {
    const event = parseServerEvent(data);
    if (!event) return;
    switch (event.type) {
      case 'ready': {
        const reconnected = this.everReady;
        this.everReady = true;
        this.attempt = 0;
        this.setState('ready');
        for (const outgoing of this.outbox.values()) this.transmit(outgoing);
        this.options.onReady?.(reconnected);
        break;
      }
      case 'ack':
        if (event.client_id) this.settle(event.client_id);
        break;
      case 'error':
        if (event.client_id && this.outbox.has(event.client_id)) {
          this.settle(event.client_id);
          this.options.onSendFailed?.(event.client_id, event.detail || event.code);
        }
        break;
      case 'session_revoked':
        // The 4401 that follows would say no more; the session is over now, whether or not it arrives.
        this.stop();
        this.options.onUnauthorized?.('revoked');
        break;
      default:
        break;
    }
    this.options.onEvent(event);
  }

  private transmit(outgoing: Outgoing): void {
    if (!this.socket || this.socket.readyState !== OPEN) return;
    this.socket.send(JSON.stringify(outgoing.frame));
    if (outgoing.ackTimer) clearTimeout(outgoing.ackTimer);
    const clientId = outgoing.frame.client_id;
    outgoing.ackTimer = setTimeout(() => {
      if (this.outbox.get(clientId) !== outgoing) return;
      this.outbox.delete(clientId);
      this.options.onSendFailed?.(clientId, 'No answer from the server');
    }, this.options.ackTimeoutMs);
  }

  private settle(clientId: string): void {
    const outgoing = this.outbox.get(clientId);
    if (outgoing?.ackTimer) clearTimeout(outgoing.ackTimer);
    this.outbox.delete(clientId);
  }

  private closed(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    detach(socket);
    this.socket = null;
    // Frames in flight may or may not have been stored; they are sent again after `ready`.
    this.clearAckTimers();
    if (this.state === 'stopped') return;
    if (code === CLOSE_CODES.unauthorized) {
      this.setState('stopped');
      this.options.onUnauthorized?.('expired');
      return;
    }
    const attempt = code === CLOSE_CODES.tooManyConnections ? Math.max(this.attempt, TOO_MANY_CONNECTIONS_FIRST_ATTEMPT) : this.attempt;
    const delay = backoffDelay(attempt, this.options.random, this.options.backoff);
    this.attempt = attempt + 1;
    this.setState('waiting', delay, code);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect();
    }, delay);
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private clearAckTimers(): void {
    for (const outgoing of this.outbox.values()) {
      if (outgoing.ackTimer) clearTimeout(outgoing.ackTimer);
      outgoing.ackTimer = undefined;
    }
  }

  private setState(state: ConnectionState, retryInMs?: number, closeCode?: number): void {
    this.state = state;
    this.options.onStateChange?.(state, retryInMs, closeCode);
  }
}

function detach(socket: SocketLike): void {
  socket.onopen = null;
  socket.onmessage = null;
  socket.onclose = null;
  socket.onerror = null;
}

/** The /ws URL of the page's own origin (the dev server and the static server proxy it). */
export function defaultSocketUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}
