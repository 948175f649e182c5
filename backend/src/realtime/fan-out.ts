import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ChangeFeedService } from '../conversations/change-feed.service';
import { MessagesService } from '../conversations/messages.service';
import { ParticipantDirectory } from '../conversations/participant-directory';
import { EventBus } from '../platform/bus/event-bus';
import { INSTANCE_ID } from '../platform/instance-id';
import type { Connection } from './connection';
import { ConnectionRegistry } from './connection-registry';
import { DeliveryBatcher } from './delivery-batcher';
import type { Envelope } from './envelope';
import { ConversationSequencer } from './sequencer';

/**
 * Delivers what the bus brings to this instance's connections: each conversation's changes
 * in change order (through the sequencer, which reads lost ones back from PostgreSQL),
 * everything else as it comes; the sender's own connection gets an `ack` instead of the
 * `message`. Messages pushed to a user's connection count as delivered (batched).
 */
/** Changes read back from PostgreSQL for one gap at most. */
const GAP_FILL_LIMIT = 1000;

@Injectable()
export class FanOut implements OnModuleInit {
  private readonly logger = new Logger('FanOut');
  private readonly sequencer: ConversationSequencer;
  private readonly receipts: DeliveryBatcher;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly messages: MessagesService,
    private readonly feed: ChangeFeedService,
    private readonly directory: ParticipantDirectory,
    private readonly bus: EventBus<Envelope>,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'realtime'>,
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

  onModuleInit(): void {
    this.bus.onEnvelope((envelope) => this.route(envelope));
  }

  /**
   * The connection follows each conversation from its newest change: anything older the
   * client pages for after `ready`; anything newer reaches it live.
   */
  follow(connection: Connection, positions: Map<string, number>): void {
    for (const [conversationId, seq] of positions) {
      connection.conversations.add(conversationId);
      this.sequencer.retain(conversationId, seq);
    }
  }

  unfollow(connection: Connection): void {
    for (const conversationId of connection.conversations) this.sequencer.release(conversationId);
  }

  /** Writes the receipts still waiting for their batch (at shutdown). */
  flush(): Promise<void> {
    return this.receipts.flush();
  }

  /** Changes go through the sequencer, the rest straight out. */
  private route(envelope: Envelope): void {
    const { conversationId } = envelope;
    if (conversationId && (envelope.eventSeq !== undefined || envelope.event.type === 'conversation_created')) {
      // A conversation nobody here followed yet is new to every local stream of its
      // participants: they follow it from its first change.
      for (const connection of this.registry.streamsOf(envelope.users)) {
        if (connection.conversations.has(conversationId)) continue;
        connection.conversations.add(conversationId);
        this.sequencer.retain(conversationId, 0);
      }
    }
    if (envelope.eventSeq !== undefined) this.sequencer.accept(envelope);
    else this.deliverLocally(envelope);
  }

  private deliverLocally(envelope: Envelope): void {
    const { event } = envelope;
    let json: string | undefined;
    for (const userId of envelope.users) {
      let received = false;
      for (const connection of this.registry.ofUser(userId)) {
        if (!concerns(connection, envelope)) continue;
        if (event.type === 'message' && envelope.senderConnectionId === connection.id) {
          connection.send({ type: 'ack', client_id: event.message.client_id, message: event.message, event_seq: event.event_seq });
        } else {
          connection.sendSerialized((json ??= JSON.stringify(event)));
        }
        received = true;
      }
      if (received && event.type === 'message' && userId !== event.message.sender_id) {
        this.receipts.note(event.message.conversation_id, userId, event.message.seq);
      }
    }
  }

  private async storedEnvelopes(conversationId: string, afterEventSeq: number, beforeEventSeq: number): Promise<Envelope[]> {
    const [events, users] = await Promise.all([
      this.feed.between(conversationId, afterEventSeq, beforeEventSeq, GAP_FILL_LIMIT),
      this.directory.of(conversationId),
    ]);
    return events.map((event) => ({ origin: this.instanceId, users, conversationId, eventSeq: event.event_seq, event }));
  }
}

/** Whether a connection gets an envelope: a conversation socket only hears its own conversation. */
function concerns(connection: Connection, envelope: Envelope): boolean {
  if (!connection.ready) return false;
  if (!connection.conversationId) return true;
  if (envelope.event.type === 'presence') return connection.participants!.has(envelope.event.user_id);
  return envelope.conversationId === connection.conversationId && envelope.event.type !== 'conversation_created';
}
