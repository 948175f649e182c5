import { CLOSE_CODES, type ServerEvent } from '@chatflow/protocol';
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/** Where a member's view of a conversation starts: its first message and first change. */
export interface Follow {
  joinedSeq: number;
  joinedEventSeq: number;
}

export interface ConnectionLimits {
  maxBufferedBytes: number;
  framesPerSecond: number;
  frameBurst: number;
}

const MAX_TIMEOUT = 2 ** 31 - 1;

/** Sockets corked during this turn of the event loop, uncorked together when it ends. */
const corked = new Set<Duplex>();

function uncorkAll(): void {
  for (const raw of corked) raw.uncork();
  corked.clear();
}

/**
 * Holds a socket's writes until the current turn of the event loop ends (once the callback
 * and the promise continuations it started have run), so the frames one turn sends to a
 * socket — an ack and a message, a burst of group messages — leave in one system call
 * instead of one each. `ws` keeps no public handle on its TCP socket; `_socket` has been
 * that handle since ws 1 and a socket without it is written as before.
 */
function corkForThisTurn(socket: WebSocket): void {
  const raw = (socket as unknown as { _socket?: Duplex })._socket;
  if (!raw || corked.has(raw) || typeof raw.cork !== 'function') return;
  raw.cork();
  if (corked.size === 0) process.nextTick(uncorkAll);
  corked.add(raw);
}

/**
 * One WebSocket and what the server knows about it. Frames are handled one at a time, in
 * arrival order, so messages from one connection are stored in the order it sent them.
 */
export class Connection {
  readonly id = randomUUID();
  userId = '';
  /** The session its token belongs to: revoked, the connection is closed with 4401. */
  sessionId = '';
  /** Set on the seed's per-conversation socket: it only hears about this conversation. */
  conversationId?: string;
  /** That conversation's participants (whose presence it hears about). */
  participants?: Set<string>;
  /** Conversations this connection follows, each with where the user joined it (they see nothing before). */
  readonly follows = new Map<string, Follow>();
  /** Answered the last ping. */
  alive = true;
  /** Registered and sent `ready`. */
  ready = false;
  /** Counted against its user's connection cap (released as it closes). */
  admitted = false;
  closed = false;

  private chain: Promise<void> = Promise.resolve();
  /** Events to send right after `ready` (a few at most). */
  private deferred: ServerEvent[] = [];
  private queued = 0;
  private tokens: number;
  private refilledAt = Date.now();
  private expiry?: NodeJS.Timeout;

  constructor(
    readonly socket: WebSocket,
    private readonly limits: ConnectionLimits,
  ) {
    this.tokens = limits.frameBurst;
  }

  /** Sends an event, or closes a consumer that has stopped reading (its buffer is over the bound). */
  send(event: ServerEvent): void {
    this.sendSerialized(JSON.stringify(event));
  }

  /** Same, for an event already serialised once for all its recipients. */
  sendSerialized(json: string): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(CLOSE_CODES.slowConsumer, 'slow consumer: events were not read fast enough');
      // The close frame waits behind the unread data; do not wait for it forever.
      setTimeout(() => this.socket.terminate(), 5_000).unref();
      return;
    }
    corkForThisTurn(this.socket);
    this.socket.send(json);
  }

  /** Sends now, or right after `ready` if the connection is still opening (keeping only a few). */
  sendWhenReady(event: ServerEvent): void {
    if (this.ready) this.send(event);
    else if (this.deferred.length < 8) this.deferred.push(event);
  }

  flushDeferred(): void {
    for (const event of this.deferred.splice(0)) this.send(event);
  }

  /** The token expires at this time (ms since the epoch): the connection is closed with 4401 then. */
  expireAt(time: number): void {
    clearTimeout(this.expiry);
    if (!Number.isFinite(time)) return;
    // setTimeout holds at most ~24.8 days; a longer token is checked again when that passes.
    const wait = Math.min(Math.max(time - Date.now(), 0), MAX_TIMEOUT);
    this.expiry = setTimeout(() => (Date.now() >= time ? this.close(CLOSE_CODES.unauthorized, 'token expired') : this.expireAt(time)), wait);
    this.expiry.unref();
  }

  close(code: number, reason: string): void {
    clearTimeout(this.expiry);
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }

  /**
   * Token bucket: when a frame may run — now (0), after a wait in ms (the connection sends
   * faster than its rate: up to a burst's worth of frames are slowed down, in order), or
   * never (false: past that, frames are refused).
   */
  admitFrame(): number | false {
    const { frameBurst, framesPerSecond } = this.limits;
    const now = Date.now();
    this.tokens = Math.min(frameBurst, this.tokens + ((now - this.refilledAt) / 1000) * framesPerSecond);
    this.refilledAt = now;
    const left = this.tokens - 1;
    // The bucket decides; the bound on tasks waiting is only a backstop (it counts the
    // connection's own opening and frames still running too).
    if (left < -frameBurst || this.queued >= 3 * frameBurst) return false;
    this.tokens = left;
    return left >= 0 ? 0 : Math.ceil((-left / framesPerSecond) * 1000);
  }

  /** Runs tasks one after another; resolves when this one has run. */
  run(task: () => Promise<void>): Promise<void> {
    this.queued += 1;
    const next = this.chain.then(task).finally(() => (this.queued -= 1));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves once every queued task has finished. */
  drained(): Promise<void> {
    return this.chain;
  }
}
