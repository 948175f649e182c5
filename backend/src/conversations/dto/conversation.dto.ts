import type { Conversation, Participant } from '@chatflow/protocol';
import { ApiProperty } from '@nestjs/swagger';
import { PublicUserDto } from '../../users/dto/user.dto';
import { MessageDto } from './message.dto';

export class ParticipantDto extends PublicUserDto implements Participant {
  @ApiProperty({ enum: ['owner', 'admin', 'member'], description: 'A group’s owner and admins manage it; in a one-on-one both are members' })
  role!: 'owner' | 'admin' | 'member';
}

export class ConversationDto implements Conversation {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: String, nullable: true, example: 'Weekend trip', description: 'Null for a one-on-one conversation' })
  name!: string | null;

  @ApiProperty({ example: true })
  is_group_chat!: boolean;

  @ApiProperty({ format: 'date-time' })
  created_at!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_message_at!: string | null;

  @ApiProperty({ type: ParticipantDto, isArray: true, description: 'Every participant, the caller included, with their role' })
  participants!: ParticipantDto[];

  @ApiProperty({ type: MessageDto, nullable: true })
  last_message!: MessageDto | null;

  @ApiProperty({ example: 2, description: 'Messages from others newer than your last read' })
  unread_count!: number;

  @ApiProperty({ example: true })
  has_unread!: boolean;

  @ApiProperty({
    example: 131,
    description: 'The number of the conversation’s newest change: a client that applied less pages GET /conversations/{id}/events',
  })
  last_event_seq!: number;
}

export class ReadStateDto {
  @ApiProperty({ format: 'uuid' })
  conversation_id!: string;

  @ApiProperty({ format: 'uuid' })
  user_id!: string;

  @ApiProperty({ format: 'date-time' })
  last_read_timestamp!: string;

  @ApiProperty({ example: 42, description: 'Extension: the `seq` of the newest message this reader has read' })
  last_read_seq!: number;
}
