import { CLOSE_CODES, MAX_CLIENT_ID_LENGTH, MAX_FRAME_BYTES, SUBPROTOCOL, type ServerEvent } from '@chatflow/protocol';
import { BeforeApplicationShutdown, HttpException, Inject, Logger } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { isDatabaseUnavailable } from '../platform/database/unavailable';
import { Lifecycle } from '../platform/lifecycle';
import { databaseOutage } from '../platform/logging/outage-log';
import { PresenceService } from '../presence/presence.service';
import type { Connection } from './connection';
import { ConnectionRegistry } from './connection-registry';
import { FanOut } from './fan-out';
import { FrameHandlers } from './frame-handlers';
import { FrameError, InvalidFrame } from './frames';
import { Handshake } from './handshake';
import { Heartbeat } from './heartbeat';

/** Picks `chatflow.v1` when offered (browsers send the token as a second subprotocol). */
function selectProtocol(protocols: Set<string>): string | false {
  return protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
}

/**
 * The two WebSocket endpoints of API.md: `/ws` (the caller's stream of every
 * conversation) and `/ws/{conversation_id}/{token}` (one conversation). It adapts Nest's
 * socket lifecycle and routes frames; the work is done by named pieces: Handshake (who
 * may open), ConnectionRegistry (who is here), FanOut (what reaches them), Heartbeat
 * (who is still there) and FrameHandlers (what a frame does, through the services REST
 * uses too). Every event can be recovered from PostgreSQL by a client paging with `after`.
 */
@WebSocketGateway({ path: '/ws', maxPayload: MAX_FRAME_BYTES, handleProtocols: selectProtocol })
export class MessagingGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger('MessagingGateway');
  private server?: WebSocketServer;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly handshake: Handshake,
    private readonly fanOut: FanOut,
    private readonly heartbeat: Heartbeat,
    private readonly frames: FrameHandlers,
    private readonly presence: PresenceService,
    private readonly lifecycle: Lifecycle,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'realtime' | 'shutdownTimeoutMs'>,
  ) {}

  afterInit(server: WebSocketServer): void {
    this.server = server;
    this.heartbeat.start(() => server.clients);
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const connection = this.registry.open(socket, this.config.realtime);
    this.heartbeat.watch(connection);
    if (this.lifecycle.draining) {
      connection.close(CLOSE_CODES.goingAway, 'server shutting down');
      return;
    }
    void connection.run(() => this.open(connection, request)).catch((error: unknown) => {
      // The database cannot answer: the client keeps its session and reconnects with backoff.
      if (dependencyUnavailable(error)) return connection.close(CLOSE_CODES.tryAgainLater, 'service unavailable, try again later');
      this.logger.error(`opening a connection failed: ${(error as Error).message}`);
      connection.close(CLOSE_CODES.internalError, 'internal error');
    });
  }

  handleDisconnect(socket: WebSocket): void {
    const connection = this.registry.of(socket);
    if (!connection || connection.closed) return;
    connection.closed = true;
    connection.expireAt(Infinity);
    if (connection.admitted) this.presence.releaseSocket(connection.userId);
    if (!connection.ready) return;
    this.registry.remove(connection);
    this.fanOut.unfollow(connection);
    this.presence.disconnected(connection.userId);
  }

  @SubscribeMessage('message')
  onMessage(@ConnectedSocket() socket: WebSocket, @MessageBody() frame: unknown): void {
    this.handle(socket, frame, (connection) => this.frames.message(connection, frame));
  }

  @SubscribeMessage('typing')
  onTyping(@ConnectedSocket() socket: WebSocket, @MessageBody() frame: unknown): void {
    this.handle(socket, frame, (connection) => this.frames.typing(connection, frame));
  }

  @SubscribeMessage('read')
  onRead(@ConnectedSocket() socket: WebSocket, @MessageBody() frame: unknown): void {
    this.handle(socket, frame, (connection) => this.frames.read(connection, frame));
  }

  @SubscribeMessage('invalid')
  onInvalid(@ConnectedSocket() socket: WebSocket, @MessageBody() invalid: InvalidFrame): void {
    // Answered in turn (after `ready`) and counted against the rate limit like any frame.
    this.handle(socket, invalid, async () => {
      throw new FrameError(invalid.code, invalid.detail);
    });
  }

  /**
   * SIGTERM: stop accepting, let in-flight frames finish (for at most half the shutdown
   * deadline), close every socket with 1001, then let presence follow its grace.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.lifecycle.drain();
    this.heartbeat.stop();
    await Promise.race([
      Promise.all(this.registry.all().map((c) => c.drained())),
      new Promise((resolve) => setTimeout(resolve, this.config.shutdownTimeoutMs / 2).unref()),
    ]);
    await this.fanOut.flush();
    for (const socket of this.server?.clients ?? []) socket.close(CLOSE_CODES.goingAway, 'server shutting down');
    await this.presence.shutdown();
  }

  private async open(connection: Connection, request: IncomingMessage): Promise<void> {
    const result = await this.handshake.accept(request);
    if (!result.accepted) return connection.close(result.code, result.reason);
    if (connection.closed) return;
    connection.userId = result.userId;
    if (!(await this.presence.admitSocket(result.userId, this.config.realtime.maxConnectionsPerUser))) {
      return connection.close(CLOSE_CODES.tooManyConnections, 'too many connections for this user');
    }
    connection.admitted = true;
    // Closed while being counted: handleDisconnect has run already, so release it here.
    if (connection.closed) return this.presence.releaseSocket(result.userId);
    connection.sessionId = result.sessionId;
    connection.expireAt(result.expiresAt);
    connection.conversationId = result.conversationId;
    connection.participants = result.participants;
    this.fanOut.follow(connection, result.positions);
    this.registry.add(connection);
    const live = await this.handshake.stillLive(result.userId, result.sessionId);
    if (!live || connection.closed) {
      // Closed meanwhile (handleDisconnect left the unready connection to us) or revoked.
      this.registry.remove(connection);
      this.fanOut.unfollow(connection);
      if (!live) connection.close(CLOSE_CODES.unauthorized, 'session revoked');
      return;
    }
    connection.ready = true;
    connection.send({ type: 'ready', user_id: result.userId, ...(result.conversationId ? { conversation_id: result.conversationId } : {}) });
    connection.flushDeferred();
    await this.presence.connected(result.userId);
  }

  /** Runs a frame's work in order, rate-limited, answering failures with an `error` event. */
  private handle(socket: WebSocket, frame: unknown, work: (connection: Connection) => Promise<void>): void {
    const connection = this.registry.of(socket);
    if (!connection || connection.closed) return;
    const clientId = clientIdOf(frame);
    const wait = connection.admitFrame();
    if (wait === false) {
      connection.sendWhenReady({ type: 'error', code: 'rate_limited', detail: 'Too many frames; slow down', ...clientId });
      return;
    }
    const due = Date.now() + wait;
    void connection.run(async () => {
      // Slowed down: this frame (and those after it, in order) waits its turn.
      if (wait) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      if (!connection.ready || connection.closed) return;
      try {
        await work(connection);
      } catch (error) {
        connection.send(this.errorEvent(error, clientId));
      }
    });
  }

  private errorEvent(error: unknown, clientId: { client_id?: string }): ServerEvent {
    if (error instanceof FrameError) return { type: 'error', code: error.code, detail: error.message, ...clientId };
    if (dependencyUnavailable(error)) return { type: 'error', code: 'internal', detail: 'The database is unavailable; try again in a moment', ...clientId };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code =
        status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : status < 500 ? 'invalid_frame' : 'internal';
      return { type: 'error', code, detail: error.message, ...clientId };
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return { type: 'error', code: 'internal', detail: 'The server could not process this frame; try again', ...clientId };
  }
}

/** A database that cannot answer, as itself or as the 503 a service made of it (logged once per outage). */
function dependencyUnavailable(error: unknown): boolean {
  if (error instanceof HttpException) return error.getStatus() === 503;
  if (!isDatabaseUnavailable(error)) return false;
  databaseOutage.failed(error);
  return true;
}

function clientIdOf(frame: unknown): { client_id?: string } {
  const clientId = (frame as { client_id?: unknown } | null)?.client_id;
  return typeof clientId === 'string' && clientId.length <= MAX_CLIENT_ID_LENGTH ? { client_id: clientId } : {};
}
