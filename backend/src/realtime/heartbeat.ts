import { Inject, Injectable } from '@nestjs/common';
import type { WebSocket } from 'ws';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { Connection } from './connection';
import { ConnectionRegistry } from './connection-registry';

/** Sockets pinged per turn of the event loop. */
const PING_SLICE = 500;

/**
 * Pings every socket each WS_PING_INTERVAL_MS and drops one that did not answer the
 * previous ping (a vanished peer would otherwise hold its connection forever).
 */
@Injectable()
export class Heartbeat {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly registry: ConnectionRegistry,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'realtime'>,
  ) {}

  /** A connection is alive until a ping goes unanswered. */
  watch(connection: Connection): void {
    connection.socket.on('pong', () => (connection.alive = true));
  }

  start(sockets: () => Iterable<WebSocket>): void {
    this.timer = setInterval(() => this.sweep([...sockets()]), this.config.realtime.pingIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /**
   * A slice per turn of the event loop: a sweep of 20,000 sockets costs a few hundred
   * milliseconds of CPU, which in one piece would hold every message back.
   */
  private sweep(sockets: WebSocket[]): void {
    const slice = (from: number) => {
      const to = Math.min(from + PING_SLICE, sockets.length);
      for (let i = from; i < to; i++) this.ping(sockets[i]);
      if (to < sockets.length && !this.stopped) setImmediate(slice, to);
    };
    slice(0);
  }

  private ping(socket: WebSocket): void {
    const connection = this.registry.of(socket);
    if (!connection || socket.readyState !== socket.OPEN) return;
    if (!connection.alive) {
      socket.terminate();
      return;
    }
    connection.alive = false;
    socket.ping();
  }
}
