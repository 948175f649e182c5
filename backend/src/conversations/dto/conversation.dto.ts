import { MUTED_FOREVER, type ChatSettings, type Conversation, type Participant } from '@chatflow/protocol';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
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

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'Extension: who started the conversation (null once their account is gone)',
  })
  created_by?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Extension, your own setting: see ChatSettingsDto' })
  muted_until?: string | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Extension, your own setting: see ChatSettingsDto' })
  pinned_at?: string | null;

  @ApiPropertyOptional({ description: 'Extension, your own setting: see ChatSettingsDto' })
  archived?: boolean;

  @ApiPropertyOptional({ description: 'Extension, your own setting: see ChatSettingsDto' })
  marked_unread?: boolean;

  @ApiPropertyOptional({ description: 'Extension: see ChatSettingsDto' })
  settings_version?: number;
}

/** Extension of API.md: one user's own settings of one chat, on every device of theirs and nobody else's. */
export class ChatSettingsDto implements ChatSettings {
  @ApiProperty({ format: 'uuid' })
  conversation_id!: string;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: `Muted (no notification, no sound) until then; ${MUTED_FOREVER} is "Always"; null when not muted`,
  })
  muted_until!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Pinned on top of the list since then (latest first); null when not pinned' })
  pinned_at!: string | null;

  @ApiProperty({ description: 'Out of the main list, under Archived; a new message keeps it there' })
  archived!: boolean;

  @ApiProperty({ description: 'Marked as unread by you; reading the chat clears it' })
  marked_unread!: boolean;

  @ApiProperty({ example: 4, description: 'Grows with every change of these settings: the highest is the newest' })
  settings_version!: number;
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
