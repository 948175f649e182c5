import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { ConversationDto } from './conversation.dto';
import { MessageDto } from './message.dto';

/** `{"type":"message"}`: a new message, at its change number. */
export class MessageEventDto {
  @ApiProperty({ enum: ['message'] })
  type!: 'message';

  @ApiProperty({ type: MessageDto })
  message!: MessageDto;

  @ApiProperty({ example: 41 })
  event_seq!: number;
}

/** `{"type":"message_updated"}` (an edit or a reaction change) or `{"type":"message_deleted"}` (the tombstone). */
export class MessageChangeEventDto {
  @ApiProperty({ enum: ['message_updated', 'message_deleted'] })
  type!: 'message_updated' | 'message_deleted';

  @ApiProperty({ format: 'uuid' })
  conversation_id!: string;

  @ApiProperty({ example: 42 })
  event_seq!: number;

  @ApiProperty({ type: MessageDto })
  message!: MessageDto;
}

/** `{"type":"conversation_updated"}`: a group renamed, or its members or roles changed. */
export class ConversationUpdatedEventDto {
  @ApiProperty({ enum: ['conversation_updated'] })
  type!: 'conversation_updated';

  @ApiProperty({ format: 'uuid' })
  conversation_id!: string;

  @ApiProperty({ example: 43 })
  event_seq!: number;

  @ApiProperty({ type: ConversationDto, description: 'The conversation as the caller sees it now' })
  conversation!: ConversationDto;
}

@ApiExtraModels(MessageEventDto, MessageChangeEventDto, ConversationUpdatedEventDto)
export class EventsPageDto {
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [
        { $ref: getSchemaPath(MessageEventDto) },
        { $ref: getSchemaPath(MessageChangeEventDto) },
        { $ref: getSchemaPath(ConversationUpdatedEventDto) },
      ],
    },
    description:
      'The changes after `after`, oldest first, each as the WebSocket event that announces it, with its `event_seq`. ' +
      'Each shows its message as it is now: a later edit or deletion shows through (the old text is kept nowhere), ' +
      'which a client applying them in order (newest `version` wins) turns into the same state.',
  })
  events!: Array<MessageEventDto | MessageChangeEventDto | ConversationUpdatedEventDto>;

  @ApiProperty({ example: 131, description: 'The conversation’s newest change: page again while the last event is below it' })
  last_event_seq!: number;
}
