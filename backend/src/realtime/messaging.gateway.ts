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
import { AuthService } from '../auth/auth.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ConversationsRepository } from '../conversations/conversations.repository';
import { ConversationsService } from '../conversations/conversations.service';
import { MessagesService } from '../conversations/messages.service';
import { ParticipantDirectory } from '../conversations/participant-directory';
import { EventBus } from './bus/event-bus';
import { CLOSE, Connection } from './connection';
import { DeliveryBatcher } from './delivery-batcher';
import type { Envelope, ServerEvent } from './events';
import { FrameError, InvalidFrame, MessageFrame, ReadFrame, TypingFrame, validFrame } from './frames';
import { INSTANCE_ID } from './instance';
import { PresenceService } from './presence.service';
import { RealtimeEvents } from './realtime-events';
import { ConversationSequencer } from './sequencer';

export const MAX_FRAME_BYTES = 64 * 1024;
/** Sockets pinged per turn of the event loop. */
const PING_SLICE = 500;
const SUBPROTOCOL = 'chatflow.v1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Picks `chatflow.v1` when offered (browsers send the token as a second subprotocol). */
function selectProtocol(protocols: Set<string>): string | false {
  return protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
}

/**
 * The two WebSocket endpoints of API.md: `/ws` (the caller's stream of every
 * conversation) and `/ws/{conversation_id}/{token}` (the seed's, one conversation). A
 * delivery mechanism only: every rule lives in the services REST uses too, and every
 * event can be recovered from PostgreSQL by a client paging with `after`.
 */
@WebSocketGateway({ path: '/ws', maxPayload: MAX_FRAME_BYTES, handleProtocols: selectProtocol })
export class MessagingGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect, BeforeApplicationShutdown {
  private readonly logger = new Logger('MessagingGateway');
  private readonly bySocket = new WeakMap<WebSocket, Connection>();
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly sequencer: ConversationSequencer;
  private readonly receipts: DeliveryBatcher;
  private server?: WebSocketServer;
  private heartbeat?: NodeJS.Timeout;
  private shuttingDown = false;

  constructor(
    private readonly auth: AuthService,
    private readonly conversations: ConversationsService,
    private readonly conversationsRepository: ConversationsRepository,
    private readonly messages: MessagesService,
    private readonly directory: ParticipantDirectory,
    private readonly presence: PresenceService,
    private readonly events: RealtimeEvents,
    private readonly bus: EventBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(INSTANCE_ID) private readonly instanceId: string,
  ) {
    this.sequencer = new ConversationSequencer({
      deliver: (envelope) => this.deliverLocally(envelope),
      fetchMissing: (conversationId, after, before) => this.storedEnvelopes(conversationId, after, before),
      gapTimeoutMs: config.realtime.gapTimeoutMs,
      onError: (error) => this.logger.warn(`catching up from the database failed: ${(error as Error).message}`),
    });
    this.receipts = new DeliveryBatcher(
      (receipts) => this.messages.recordDeliveries(receipts),
      config.realtime.receiptBatchMs,
      (error) => this.logger.warn(`recording deliveries failed: ${(error as Error).message}`),
    );
  }

  afterInit(server: WebSocketServer): void {
    this.server = server;
    this.bus.onEnvelope((envelope) => this.route(envelope));
    this.heartbeat = setInterval(() => this.pingAll(), this.config.realtime.pingIntervalMs);
    this.heartbeat.unref();
  }

  handleConnection(socket: WebSocket, request: IncomingMessage): void {
    const connection = new Connection(socket, this.config.realtime);
    this.bySocket.set(socket, connection);
    socket.on('pong', () => (connection.alive = true));
    if (this.shuttingDown) {
      connection.close(CLOSE.goingAway, 'server shutting down');
      return;
    }
    void connection.run(() => this.open(connection, request)).catch((error: unknown) => {
      this.logger.error(`opening a connection failed: ${(error as Error).message}`);
      connection.close(1011, 'internal error');
    });
  }

  handleDisconnect(socket: WebSocket): void {
    const connection = this.bySocket.get(socket);
    if (!connection || connection.closed) return;
    connection.closed = true;
    if (!connection.ready) return;
    this.byUser.get(connection.userId)?.delete(connection);
    if (!this.byUser.get(connection.userId)?.size) this.byUser.delete(connection.userId);
    for (const conversationId of connection.conversations) this.sequencer.release(conversationId);
    this.presence.disconnected(connection.userId);
  }

  @SubscribeMessage('message')
  onMessage(@ConnectedSocket() socket: WebSocket, @MessageBody() frame: unknown): void {
    this.handle(socket, frame, async (connection) => {
      const valid = await validFrame(MessageFrame, frame);
      const conversationId = await this.conversationOf(connection, valid.conversation_id);
      const { message, created } = await this.messages.send(
        connection.userId,
        conversationId,
        { content: valid.content, client_id: valid.client_id },
        // Membership never changes, so a conversation this connection follows needs no re-check.
        { connectionId: connection.id, participantVerified: connection.conversations.has(conversationId) },
      );
      // A new message's ack travels with its event, in conversation order; a resend's comes now.
      if (!created) connection.send({ type: 'ack', client_id: message.client_id, message });
    });
  }

  @SubscribeMessage('typing')
  onTyping(@ConnectedSocket() socket: WebSocket, @MessageBody() frame: unknown): void {
    this.handle(socket, frame, async (connection) => {
      const valid = await validFrame(TypingFrame, frame);
      const conversationId = await this.conversationOf(connection, valid.conversation_id);
      this.events.typing(conversationId, connection.userId, valid.is_typing, await this.directory.of(conversationId));
    });
  }

  @SubscribeMessage('read')
  onRead(@ConnectedSocket() socket: WebSocket, @MessageBody() frame: unknown): void {
    this.handle(socket, frame, async (connection) => {
      const valid = await validFrame(ReadFrame, frame);
      await this.conversations.markRead(connection.userId, await this.conversationOf(connection, valid.conversation_id));
    });
  }

  @SubscribeMessage('invalid')
  onInvalid(@ConnectedSocket() socket: WebSocket, @MessageBody() invalid: InvalidFrame): void {
    // Answered in turn (after `ready`) and counted against the rate limit like any frame.
    this.handle(socket, invalid, async () => {
      throw new FrameError(invalid.code, invalid.detail);
    });
  }

  /** SIGTERM: stop accepting, let in-flight frames finish, then close every socket with 1001. */
  async beforeApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    clearInterval(this.heartbeat);
    const connections = [...this.byUser.values()].flatMap((set) => [...set]);
    await Promise.race([
      Promise.all(connections.map((c) => c.drained())),
      new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
    ]);
    await this.receipts.flush();
    for (const socket of this.server?.clients ?? []) socket.close(CLOSE.goingAway, 'server shutting down');
    await this.presence.shutdown();
  }

  private async open(connection: Connection, request: IncomingMessage): Promise<void> {
    const url = new URL(request.url ?? '/', 'ws://localhost');
    const segments = url.pathname.split('/').filter(Boolean);
    const conversationSocket = segments.length === 3;
    if (segments.length !== 1 && !conversationSocket) return connection.close(CLOSE.notFound, 'no such endpoint');

    const token = conversationSocket ? decodedSegment(segments[2]) : (bearerSubprotocol(request) ?? url.searchParams.get('token'));
    const userId = await this.auth.userIdFromToken(token);
    if (!userId) return connection.close(CLOSE.unauthorized, 'missing, invalid or expired token');
    connection.userId = userId;

    let positions: Map<string, number>;
    if (conversationSocket) {
      const conversationId = segments[1].toLowerCase();
      if (!UUID.test(conversationId)) return connection.close(CLOSE.notFound, 'no such conversation');
      const access = await this.conversationsRepository.access(conversationId, userId);
      if (access === 'missing') return connection.close(CLOSE.notFound, 'no such conversation');
      if (access === 'forbidden') return connection.close(CLOSE.forbidden, 'not a participant');
      connection.conversationId = conversationId;
      connection.participants = new Set(await this.directory.of(conversationId));
      positions = await this.conversationsRepository.positions(userId, conversationId);
    } else {
      positions = await this.conversationsRepository.positions(userId);
    }
    if (connection.closed) return;

    // Follow each conversation from its newest stored message: anything older the client
    // pages for after `ready`; anything newer reaches it live.
    for (const [conversationId, seq] of positions) {
      connection.conversations.add(conversationId);
      this.sequencer.retain(conversationId, seq);
    }
    let users = this.byUser.get(userId);
    if (!users) this.byUser.set(userId, (users = new Set()));
    users.add(connection);
    connection.ready = true;
    connection.send({ type: 'ready', user_id: userId, ...(connection.conversationId ? { conversation_id: connection.conversationId } : {}) });
    connection.flushDeferred();
    await this.presence.connected(userId);
  }

  /** Runs a frame's work in order, rate-limited, answering failures with an `error` event. */
  private handle(socket: WebSocket, frame: unknown, work: (connection: Connection) => Promise<void>): void {
    const connection = this.bySocket.get(socket);
    if (!connection || connection.closed) return;
    const clientId = clientIdOf(frame);
    if (!connection.allowFrame()) {
      connection.sendWhenReady({ type: 'error', code: 'rate_limited', detail: 'Too many frames; slow down', ...clientId });
      return;
    }
    void connection.run(async () => {
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
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const code = status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status < 500 ? 'invalid_frame' : 'internal';
      return { type: 'error', code, detail: error.message, ...clientId };
    }
    this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return { type: 'error', code: 'internal', detail: 'The server could not process this frame; try again', ...clientId };
  }

  /** The conversation a frame acts on: the socket's own, or the one it names on `/ws`. */
  private async conversationOf(connection: Connection, given: string | undefined): Promise<string> {
    const named = given?.toLowerCase();
    if (connection.conversationId) {
      if (named && named !== connection.conversationId) {
        throw new FrameError('invalid_frame', 'This socket belongs to another conversation');
      }
      return connection.conversationId;
    }
    if (!named) throw new FrameError('invalid_frame', 'conversation_id is required on /ws');
    if (!connection.conversations.has(named)) await this.conversations.assertParticipant(named, connection.userId);
    return named;
  }

  /** Everything the bus brings: stored messages go through the sequencer, the rest straight out. */
  private route(envelope: Envelope): void {
    const { conversationId } = envelope;
    if (conversationId && (envelope.seq !== undefined || envelope.event.type === 'conversation_created')) {
      // A conversation nobody here followed yet is new to every local stream of its
      // participants: they follow it from its first message.
      for (const connection of this.streamsOf(envelope.users)) {
        if (connection.conversations.has(conversationId)) continue;
        connection.conversations.add(conversationId);
        this.sequencer.retain(conversationId, 0);
      }
    }
    if (envelope.seq !== undefined) this.sequencer.accept(envelope);
    else this.deliverLocally(envelope);
  }

  private deliverLocally(envelope: Envelope): void {
    const { event } = envelope;
    let json: string | undefined;
    for (const userId of envelope.users) {
      let received = false;
      for (const connection of this.byUser.get(userId) ?? []) {
        if (!this.concerns(connection, envelope)) continue;
        if (event.type === 'message' && envelope.senderConnectionId === connection.id) {
          connection.send({ type: 'ack', client_id: event.message.client_id, message: event.message });
        } else {
          connection.sendSerialized((json ??= JSON.stringify(event)));
        }
        received = true;
      }
      if (received && event.type === 'message' && userId !== event.message.sender_id) {
        this.receipts.note(event.message.conversation_id, userId, envelope.seq!);
      }
    }
  }

  private concerns(connection: Connection, envelope: Envelope): boolean {
    if (!connection.ready) return false;
    if (!connection.conversationId) return true;
    if (envelope.event.type === 'presence') return connection.participants!.has(envelope.event.user_id);
    return envelope.conversationId === connection.conversationId && envelope.event.type !== 'conversation_created';
  }

  private *streamsOf(userIds: string[]): Iterable<Connection> {
    for (const userId of userIds) {
      for (const connection of this.byUser.get(userId) ?? []) if (!connection.conversationId) yield connection;
    }
  }

  private async storedEnvelopes(conversationId: string, afterSeq: number, beforeSeq: number): Promise<Envelope[]> {
    const [stored, users] = await Promise.all([
      this.messages.range(conversationId, afterSeq, beforeSeq),
      this.directory.of(conversationId),
    ]);
    return stored.map(({ message, seq }) => ({
      origin: this.instanceId,
      users,
      conversationId,
      seq,
      event: { type: 'message', message },
    }));
  }

  /**
   * Pings every socket, a slice per turn of the event loop: a sweep of 20,000 sockets costs
   * a few hundred milliseconds of CPU, which in one piece would hold every message back.
   */
  private pingAll(): void {
    const sockets = [...(this.server?.clients ?? [])];
    const sweep = (from: number) => {
      const to = Math.min(from + PING_SLICE, sockets.length);
      for (let i = from; i < to; i++) this.ping(sockets[i]);
      if (to < sockets.length && !this.shuttingDown) setImmediate(sweep, to);
    };
    sweep(0);
  }

  private ping(socket: WebSocket): void {
    const connection = this.bySocket.get(socket);
    if (!connection || socket.readyState !== socket.OPEN) return;
    if (!connection.alive) {
      socket.terminate();
      return;
    }
    connection.alive = false;
    socket.ping();
  }
}

function bearerSubprotocol(request: IncomingMessage): string | undefined {
  const offered = request.headers['sec-websocket-protocol'];
  if (typeof offered !== 'string') return undefined;
  const bearer = offered
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith('bearer.'));
  return bearer?.slice('bearer.'.length);
}

/** A path segment, percent-decoded; undefined when its encoding is broken. */
function decodedSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function clientIdOf(frame: unknown): { client_id?: string } {
  const clientId = (frame as { client_id?: unknown } | null)?.client_id;
  return typeof clientId === 'string' && clientId.length <= 64 ? { client_id: clientId } : {};
}
