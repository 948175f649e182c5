import { Inject, Injectable } from '@nestjs/common';
import type { ConversationDto } from '../conversations/dto/conversation.dto';
import type { MessageDto } from '../conversations/dto/message.dto';
import { EventBus } from './bus/event-bus';
import { INSTANCE_ID } from './instance';

/**
 * What the services announce once a change is committed. REST and WebSocket go through
 * the same services, so both produce the same events.
 */
@Injectable()
export class RealtimeEvents {
  constructor(
    private readonly bus: EventBus,
    @Inject(INSTANCE_ID) private readonly origin: string,
  ) {}

  messageStored(message: MessageDto, seq: number, participantIds: string[], senderConnectionId?: string): void {
    this.bus.publish({
      origin: this.origin,
      users: participantIds,
      conversationId: message.conversation_id,
      seq,
      senderConnectionId,
      event: { type: 'message', message },
    });
  }

  conversationRead(conversationId: string, userId: string, lastReadTimestamp: string, participantIds: string[]): void {
    this.bus.publish({
      origin: this.origin,
      users: participantIds,
      conversationId,
      event: { type: 'conversation_read', conversation_id: conversationId, user_id: userId, last_read_timestamp: lastReadTimestamp },
    });
  }

  conversationDelivered(conversationId: string, userId: string, lastDeliveredTimestamp: string, participantIds: string[]): void {
    this.bus.publish({
      origin: this.origin,
      users: participantIds.filter((id) => id !== userId),
      conversationId,
      event: {
        type: 'conversation_delivered',
        conversation_id: conversationId,
        user_id: userId,
        last_delivered_timestamp: lastDeliveredTimestamp,
      },
    });
  }

  conversationCreated(conversation: ConversationDto): void {
    this.bus.publish({
      origin: this.origin,
      users: conversation.participants.map((p) => p.id),
      conversationId: conversation.id,
      event: { type: 'conversation_created', conversation },
    });
  }

  typing(conversationId: string, userId: string, isTyping: boolean, participantIds: string[]): void {
    this.bus.publish({
      origin: this.origin,
      users: participantIds.filter((id) => id !== userId),
      conversationId,
      event: { type: 'typing', conversation_id: conversationId, user_id: userId, is_typing: isTyping },
    });
  }
}
