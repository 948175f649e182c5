import { Inject, Injectable } from '@nestjs/common';
import { OnEvent } from '@nestjs/event-emitter';
import {
  ConversationCreated,
  ConversationRead,
  ConversationUpdated,
  MessageDeleted,
  MessagesDelivered,
  MessageStored,
  MessageUpdated,
} from '../conversations/conversation-events';
import type { MessageDto } from '../conversations/dto/message.dto';
import { ParticipantDirectory } from '../conversations/participant-directory';
import { iso } from '../platform/http/iso';
import { EventBus } from '../platform/bus/event-bus';
import { INSTANCE_ID } from '../platform/instance-id';
import { PresenceChanged } from '../presence/presence-events';
import { SessionsRevoked } from '../auth/session-events';
import type { Envelope } from './envelope';

/**
 * Turns what the domain announces into events addressed to users, and publishes them on
 * the bus to every instance (this one included), where FanOut delivers them.
 */
@Injectable()
export class Announcer {
  constructor(
    private readonly bus: EventBus<Envelope>,
    private readonly directory: ParticipantDirectory,
    @Inject(INSTANCE_ID) private readonly origin: string,
  ) {}

  @OnEvent(MessageStored.topic)
  messageStored({ message, eventSeq, participantIds, connectionId }: MessageStored): void {
    this.bus.publish({
      origin: this.origin,
      users: participantIds,
      conversationId: message.conversation_id,
      eventSeq,
      senderConnectionId: connectionId,
      event: { type: 'message', message, event_seq: eventSeq },
    });
  }

  @OnEvent(MessageUpdated.topic)
  messageUpdated({ message, eventSeq, participantIds }: MessageUpdated): void {
    this.publishChange('message_updated', message, eventSeq, participantIds);
  }

  @OnEvent(MessageDeleted.topic)
  messageDeleted({ message, eventSeq, participantIds }: MessageDeleted): void {
    this.publishChange('message_deleted', message, eventSeq, participantIds);
  }

  @OnEvent(ConversationRead.topic)
  conversationRead({ conversationId, userId, lastReadTimestamp, lastReadSeq, participantIds }: ConversationRead): void {
    this.bus.publish({
      origin: this.origin,
      users: participantIds,
      conversationId,
      event: {
        type: 'conversation_read',
        conversation_id: conversationId,
        user_id: userId,
        last_read_timestamp: lastReadTimestamp,
        last_read_seq: lastReadSeq,
      },
    });
  }

  @OnEvent(MessagesDelivered.topic)
  messagesDelivered({ conversationId, userId, lastDeliveredTimestamp, participantIds }: MessagesDelivered): void {
    this.bus.publish({
      origin: this.origin,
      users: participantIds.filter((id) => id !== userId),
      conversationId,
      except: userId,
      event: {
        type: 'conversation_delivered',
        conversation_id: conversationId,
        user_id: userId,
        last_delivered_timestamp: lastDeliveredTimestamp,
      },
    });
  }

  @OnEvent(ConversationCreated.topic)
  conversationCreated({ conversation, personal }: ConversationCreated): void {
    this.bus.publish({
      origin: this.origin,
      users: conversation.participants.map((p) => p.id),
      conversationId: conversation.id,
      personal,
      event: { type: 'conversation_created', conversation },
    });
  }

  @OnEvent(ConversationUpdated.topic)
  conversationUpdated({ conversation, eventSeq, personal }: ConversationUpdated): void {
    this.bus.publish({
      origin: this.origin,
      users: conversation.participants.map((p) => p.id),
      conversationId: conversation.id,
      eventSeq,
      personal,
      event: { type: 'conversation_updated', conversation_id: conversation.id, event_seq: eventSeq, conversation },
    });
  }

  @OnEvent(PresenceChanged.topic)
  presenceChanged({ userId, status, lastSeenAt, contactIds }: PresenceChanged): void {
    this.bus.publish({
      origin: this.origin,
      users: contactIds,
      event: { type: 'presence', user_id: userId, status, last_seen_at: iso(lastSeenAt) },
    });
  }

  @OnEvent(SessionsRevoked.topic)
  sessionsRevoked({ userId, sessionIds }: SessionsRevoked): void {
    this.bus.publish({ origin: this.origin, users: [userId], sessionIds, event: { type: 'session_revoked' } });
  }

  private publishChange(type: 'message_updated' | 'message_deleted', message: MessageDto, eventSeq: number, participantIds: string[]): void {
    const conversationId = message.conversation_id;
    this.bus.publish({
      origin: this.origin,
      users: participantIds,
      conversationId,
      eventSeq,
      event: { type, conversation_id: conversationId, event_seq: eventSeq, message },
    });
  }

  /** Typing is not stored: it only ever exists as this event, for the other participants. */
  async typing(conversationId: string, userId: string, isTyping: boolean): Promise<void> {
    const participants = await this.directory.of(conversationId);
    this.bus.publish({
      origin: this.origin,
      users: participants.filter((id) => id !== userId),
      conversationId,
      except: userId,
      event: { type: 'typing', conversation_id: conversationId, user_id: userId, is_typing: isTyping },
    });
  }
}
