import { CLOSE_CODES, type Conversation, type ServerEvent } from '@chatflow/protocol';
import { HttpException, Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SessionCheck } from '../auth/session-check';
import { ChangeFeedService } from '../conversations/change-feed.service';
import type { PersonalViews } from '../conversations/conversation-events';
import type { Position } from '../conversations/conversations.repository';
import { ConversationsService } from '../conversations/conversations.service';
import { MessagesService } from '../conversations/messages.service';
import { ParticipantDirectory } from '../conversations/participant-directory';
import { EventBus } from '../platform/bus/event-bus';
import { INSTANCE_ID } from '../platform/instance-id';
import type { Connection, Follow } from './connection';
import { ConnectionRegistry } from './connection-registry';
import { DeliveryBatcher } from './delivery-batcher';
import type { Envelope } from './envelope';
import { ConversationSequencer, type StoredChanges } from './sequencer';

/** Changes read back from PostgreSQL in one page (a larger gap takes several). */
const GAP_FILL_LIMIT = 1000;

/** Conversations, users or sessions asked about in one statement while catching up. */
const CATCH_UP_CHUNK = 1000;

/**
 * Delivers what the bus brings to this instance's connections: each conversation's changes
 * in change order (through the sequencer, which reads lost ones back from PostgreSQL),
 * everything else as it comes; the sender's own connection gets an `ack` instead of the
 * `message`. Messages pushed to a user's connection count as delivered (batched).
 *
 * A conversation's events go to the connections that follow it, and membership changes
 * arrive as that conversation's own changes, in the same order: a member added follows it
 * from their `member_added` on; a member removed (or gone) stops following it as their
 * notice passes — so no later change reaches them, whatever list of users an envelope
 * names (another instance's cache may still name them for a moment).
 *
 * When the bus may have lost events (its subscription came back after an outage, or
 * another instance could publish again after failing to), and every few seconds while it
 * is down, the instance catches up from PostgreSQL without waiting for a later event to
 * reveal the gap: see `catchUp`.
 */
@Injectable()
export class FanOut implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('FanOut');
  private readonly sequencer: ConversationSequencer;
  private readonly receipts: DeliveryBatcher;
  /** conversation id → the connections here that follow it. */
  private readonly followers = new Map<string, Set<Connection>>();
  /** Connections whose membership of a conversation is being asked of PostgreSQL, with what arrived meanwhile. */
  private readonly confirming = new Map<string, Envelope[]>();
  private catchingUp = false;
  private catchUpAgain = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly catchUpEveryMs: number;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly feed: ChangeFeedService,
    private readonly directory: ParticipantDirectory,
    private readonly bus: EventBus<Envelope>,
    private readonly sessionCheck: SessionCheck,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'realtime'>,
    @Inject(INSTANCE_ID) private readonly instanceId: string,
  ) {
    this.catchUpEveryMs = Math.max(config.realtime.gapTimeoutMs, 1000);
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

  onModuleInit(): void {
    this.bus.onEnvelope((envelope) => this.route(envelope));
    this.bus.onMissed(() => {
      void this.catchUp();
      // Once more a moment later: what was published while the subscription was being renewed.
      this.later(() => void this.catchUp(), this.catchUpEveryMs);
    });
    let ticks = 0;
    const whileDown = setInterval(() => {
      if (this.bus.health().connected) return void (ticks = 0);
      // Conversations every tick; sessions and new conversations (heavier reads) every fifth.
      void this.catchUp(ticks++ % 5 === 0);
    }, this.catchUpEveryMs);
    whileDown.unref();
    this.timers.add(whileDown);
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * Reads from PostgreSQL what the bus may not have brought, for everything this instance
   * serves: changes of the conversations followed here (delivered in order, as if live),
   * conversations its users began or joined meanwhile (announced as `conversation_created`
   * and followed from there), and sessions revoked meanwhile (their connections closed);
   * `everything` false reads the changes only.
   */
  async catchUp(everything = true): Promise<void> {
    if (this.catchingUp) {
      this.catchUpAgain ||= everything;
      return;
    }
    this.catchingUp = true;
    try {
      for (let full = everything; ; full = true) {
        this.catchUpAgain = false;
        try {
          if (full) await this.closeRevokedSessions();
          await this.catchUpConversations();
          if (full) await this.followNewConversations();
        } catch (error) {
          this.logger.warn(`catching up from the database failed: ${(error as Error).message}`);
        }
        if (!this.catchUpAgain) break;
      }
    } finally {
      this.catchingUp = false;
    }
  }

  private later(task: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    timer.unref();
    this.timers.add(timer);
  }

  private async closeRevokedSessions(): Promise<void> {
    const sessionIds = [...new Set(this.registry.all().map((c) => c.sessionId).filter(Boolean))];
    for (const chunk of chunks(sessionIds)) {
      const dead = await this.sessionCheck.deadAmong(chunk);
      if (!dead.length) continue;
      const userIds = [...new Set(this.registry.all().filter((c) => dead.includes(c.sessionId)).map((c) => c.userId))];
      this.revoked(userIds, dead);
    }
  }

  private async catchUpConversations(): Promise<void> {
    const followed = this.sequencer.positions();
    for (const chunk of chunks([...followed.keys()])) {
      for (const [conversationId, head] of await this.conversations.heads(chunk)) {
        if (head > (followed.get(conversationId) ?? head)) this.sequencer.catchUp(conversationId, head);
      }
    }
  }

  private async followNewConversations(): Promise<void> {
    const streams = this.registry.all().filter((c) => c.ready && !c.closed && !c.conversationId);
    for (const chunk of chunks([...new Set(streams.map((c) => c.userId))])) {
      for (const { userId, conversationId, position } of await this.conversations.membershipsOf(chunk)) {
        const unaware = [...this.registry.streamsOf([userId])].filter((c) => c.ready && !c.follows.has(conversationId));
        if (!unaware.length) continue;
        // Gone again meanwhile (left, removed): nothing to announce.
        const conversation = await this.conversations.get(userId, conversationId).catch((error: unknown) => {
          if (error instanceof HttpException) return undefined;
          throw error;
        });
        if (!conversation) continue;
        for (const connection of unaware) {
          if (connection.closed || connection.follows.has(conversationId)) continue;
          connection.send({ type: 'conversation_created', conversation });
          this.addFollow(connection, conversationId, conversation.last_event_seq, {
            joinedSeq: position.joinedSeq,
            joinedEventSeq: position.joinedEventSeq,
          });
        }
      }
    }
  }

  /**
   * The connection follows each conversation from its newest change: anything older the
   * client pages for after `ready`; anything newer reaches it live.
   */
  follow(connection: Connection, positions: Map<string, Position>): void {
    for (const [conversationId, { lastEventSeq, joinedSeq, joinedEventSeq }] of positions) {
      this.addFollow(connection, conversationId, lastEventSeq, { joinedSeq, joinedEventSeq });
    }
  }

  unfollow(connection: Connection): void {
    for (const conversationId of [...connection.follows.keys()]) this.dropFollow(connection, conversationId);
  }

  /** Writes the receipts still waiting for their batch (at shutdown). */
  flush(): Promise<void> {
    return this.receipts.flush();
  }

  private addFollow(connection: Connection, conversationId: string, fromEventSeq: number, follow: Follow): void {
    if (connection.follows.has(conversationId)) return;
    connection.follows.set(conversationId, follow);
    let followers = this.followers.get(conversationId);
    if (!followers) this.followers.set(conversationId, (followers = new Set()));
    followers.add(connection);
    this.sequencer.retain(conversationId, fromEventSeq);
  }

  private dropFollow(connection: Connection, conversationId: string): void {
    if (!connection.follows.delete(conversationId)) return;
    const followers = this.followers.get(conversationId);
    followers?.delete(connection);
    if (followers && !followers.size) this.followers.delete(conversationId);
    this.sequencer.release(conversationId);
  }

  /** Changes go through the sequencer, the rest straight out. */
  private route(envelope: Envelope): void {
    const { conversationId, event } = envelope;
    if (envelope.sessionIds) return this.revoked(envelope.users, envelope.sessionIds);
    if (conversationId && event.type === 'conversation_created') {
      // A new conversation: its participants' streams follow it from the change it shows (not
      // from 0, which would replay as live whatever it held by the time this arrived).
      for (const connection of this.registry.streamsOf(envelope.users)) {
        this.addFollow(connection, conversationId, event.conversation.last_event_seq, FROM_THE_START);
      }
    } else if (conversationId && envelope.eventSeq !== undefined) {
      const added = event.type === 'message' && event.message.system?.action === 'member_added' ? event.message.system.user_ids : [];
      for (const connection of this.registry.streamsOf(envelope.users)) {
        if (connection.follows.has(conversationId)) continue;
        if (added.includes(connection.userId)) {
          // Added to a group: they follow it from their own member_added (this event) on.
          const joined = { joinedSeq: event.type === 'message' ? event.message.seq : 0, joinedEventSeq: envelope.eventSeq };
          this.addFollow(connection, conversationId, envelope.eventSeq - 1, joined);
        } else {
          this.confirm(connection, conversationId, envelope);
        }
      }
    }
    if (envelope.eventSeq !== undefined) this.sequencer.accept(envelope);
    else this.deliverLocally(envelope);
  }

  /**
   * Sessions were logged out or revoked: every instance forgets them (the next request with
   * their tokens asks PostgreSQL, and is refused), and their connections here are told so
   * and closed with 4401.
   */
  private revoked(userIds: string[], sessionIds: string[]): void {
    this.sessionCheck.forget(sessionIds);
    const revoked = new Set(sessionIds);
    for (const connection of this.registry.connectionsOf(userIds)) {
      if (!revoked.has(connection.sessionId)) continue;
      connection.send({ type: 'session_revoked' });
      connection.close(CLOSE_CODES.unauthorized, 'session revoked');
    }
  }

  /**
   * An event names a user whose stream does not follow its conversation: a conversation that
   * began while the stream was opening, or a list of users from before a removal. PostgreSQL
   * decides: a member follows it from where it stands now (and gets what arrived meanwhile);
   * anyone else gets nothing.
   */
  private confirm(connection: Connection, conversationId: string, envelope: Envelope): void {
    const key = `${connection.id}:${conversationId}`;
    const waiting = this.confirming.get(key);
    if (waiting) {
      waiting.push(envelope);
      return;
    }
    this.confirming.set(key, [envelope]);
    void this.conversations
      .positions(connection.userId, conversationId)
      .then((positions) => {
        const position = positions.get(conversationId);
        const arrived = this.confirming.get(key) ?? [];
        if (!position || connection.closed || connection.follows.has(conversationId)) return;
        this.addFollow(connection, conversationId, position.lastEventSeq, { joinedSeq: position.joinedSeq, joinedEventSeq: position.joinedEventSeq });
        for (const missed of arrived) {
          if ((missed.eventSeq ?? 0) >= position.joinedEventSeq) connection.send(this.eventFor(missed, connection.userId));
        }
      })
      .catch((error: unknown) => this.logger.warn(`checking a membership failed: ${(error as Error).message}`))
      .finally(() => this.confirming.delete(key));
  }

  private deliverLocally(envelope: Envelope): void {
    const { event, conversationId } = envelope;
    const recipients = conversationId ? (this.followers.get(conversationId) ?? NOBODY) : this.registry.connectionsOf(envelope.users);
    const message = event.type === 'message' || event.type === 'message_updated' || event.type === 'message_deleted' ? event.message : undefined;
    let json: string | undefined;
    const received = new Set<string>();
    for (const connection of recipients) {
      if (!concerns(connection, envelope) || connection.userId === envelope.except) continue;
      const follow = conversationId ? connection.follows.get(conversationId) : undefined;
      // A member added later sees nothing from before they joined.
      if (follow && envelope.eventSeq !== undefined && envelope.eventSeq < follow.joinedEventSeq) continue;
      if (follow && message && message.seq < follow.joinedSeq) continue;
      if (event.type === 'message' && envelope.senderConnectionId === connection.id) {
        connection.send({ type: 'ack', client_id: event.message.client_id, message: event.message, event_seq: event.event_seq });
      } else if (envelope.personal) {
        connection.send(this.eventFor(envelope, connection.userId));
      } else {
        connection.sendSerialized((json ??= JSON.stringify(event)));
      }
      received.add(connection.userId);
    }
    if (event.type === 'message') {
      for (const userId of received) if (userId !== event.message.sender_id) this.receipts.note(event.message.conversation_id, userId, event.message.seq);
      if (event.message.kind === 'system' && conversationId) this.applyMembership(conversationId, event.message.system?.action, event.message.system?.user_ids ?? []);
    }
  }

  /**
   * A membership notice has just been delivered (the users it names saw it): everyone here
   * forgets the cached member list, and a member removed or gone stops following the
   * conversation — their streams are told `conversation_removed`, their conversation
   * sockets are closed with 4403.
   */
  private applyMembership(conversationId: string, action: string | undefined, userIds: string[]): void {
    if (action !== 'member_added' && action !== 'member_removed' && action !== 'member_left') return;
    this.directory.forget(conversationId);
    for (const connection of this.followers.get(conversationId) ?? NOBODY) {
      if (connection.conversationId !== conversationId || !connection.participants) continue;
      for (const userId of userIds) {
        if (action === 'member_added') connection.participants.add(userId);
        else connection.participants.delete(userId);
      }
    }
    if (action === 'member_added') return;
    for (const userId of userIds) {
      for (const connection of this.registry.ofUser(userId)) {
        if (!connection.follows.has(conversationId)) continue;
        this.dropFollow(connection, conversationId);
        if (connection.conversationId === conversationId) connection.close(CLOSE_CODES.forbidden, 'no longer a participant');
        else connection.send({ type: 'conversation_removed', conversation_id: conversationId });
      }
    }
  }

  /** The event as one recipient gets it: a conversation with their own unread count and the presence they may see. */
  private eventFor(envelope: Envelope, userId: string): ServerEvent {
    const { event, personal } = envelope;
    if (!personal || (event.type !== 'conversation_created' && event.type !== 'conversation_updated')) return event;
    return { ...event, conversation: personalize(event.conversation, personal, userId) };
  }

  private async storedEnvelopes(conversationId: string, afterEventSeq: number, beforeEventSeq: number): Promise<StoredChanges> {
    const [{ entries, readThrough }, users] = await Promise.all([
      this.feed.read(conversationId, afterEventSeq, beforeEventSeq, GAP_FILL_LIMIT),
      this.directory.of(conversationId),
    ]);
    return {
      envelopes: entries.map(({ event, personal }) => ({ origin: this.instanceId, users, conversationId, eventSeq: event.event_seq, personal, event })),
      readThrough,
    };
  }
}

const NOBODY: ReadonlySet<Connection> = new Set();

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CATCH_UP_CHUNK) out.push(items.slice(i, i + CATCH_UP_CHUNK));
  return out;
}

const FROM_THE_START: Follow = { joinedSeq: 0, joinedEventSeq: 0 };

function personalize(conversation: Conversation, personal: PersonalViews, userId: string): Conversation {
  const unread = personal.unread[userId] ?? 0;
  const hidden = new Set(personal.hiddenPresence[userId] ?? []);
  return {
    ...conversation,
    unread_count: unread,
    has_unread: unread > 0,
    participants: hidden.size
      ? conversation.participants.map((p) => (hidden.has(p.id) ? { ...p, is_online: false, last_seen_at: null } : p))
      : conversation.participants,
  };
}

/** Whether a connection gets an envelope: a conversation socket only hears its own conversation. */
function concerns(connection: Connection, envelope: Envelope): boolean {
  if (!connection.ready) return false;
  if (!connection.conversationId) return true;
  if (envelope.event.type === 'presence') return connection.participants!.has(envelope.event.user_id);
  return envelope.conversationId === connection.conversationId && envelope.event.type !== 'conversation_created';
}
