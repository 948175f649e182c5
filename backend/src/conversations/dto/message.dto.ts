import type { Message, MessageStatus } from '@chatflow/protocol';
import { MAX_CLIENT_ID_LENGTH, REPLY_PREVIEW_CHARACTERS } from '@chatflow/protocol';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AttachmentDto } from '../../attachments/dto/attachment.dto';

export class ReplyToDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  sender_id!: string;

  @ApiProperty({
    example: 'See you at 8',
    description: `The replied-to message as it is now: its first ${REPLY_PREVIEW_CHARACTERS} characters, "" once it is deleted (or when it cannot be decrypted)`,
  })
  preview!: string;

  @ApiProperty({ example: false })
  deleted!: boolean;
}

export class ReactionDto {
  @ApiProperty({ example: '👍', description: 'One emoji' })
  emoji!: string;

  @ApiProperty({ example: 2 })
  count!: number;

  @ApiProperty({ type: String, format: 'uuid', isArray: true, description: 'Who reacted with it, earliest first' })
  user_ids!: string[];
}

export class SystemNoticeDto {
  @ApiProperty({ enum: ['member_added', 'member_removed', 'member_left', 'renamed', 'role_changed'] })
  action!: 'member_added' | 'member_removed' | 'member_left' | 'renamed' | 'role_changed';

  @ApiProperty({ format: 'uuid' })
  actor_id!: string;

  @ApiProperty({ type: String, format: 'uuid', isArray: true })
  user_ids!: string[];

  @ApiProperty({ type: String, nullable: true, description: 'The new name of a renamed group' })
  name!: string | null;

  @ApiProperty({ enum: ['admin', 'member'], nullable: true, description: 'The new role of a member whose role changed (an extension of the contract)' })
  role!: 'admin' | 'member' | null;
}

export class MessageDto implements Message {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  conversation_id!: string;

  @ApiProperty({ example: 42, description: 'Position in the conversation (increasing; the order of history pages)' })
  seq!: number;

  @ApiProperty({ enum: ['user', 'system'], description: '"system": a timeline notice the server wrote (see `system`)' })
  kind!: 'user' | 'system';

  @ApiProperty({ format: 'uuid', description: 'The author; for a system message, who acted' })
  sender_id!: string;

  @ApiProperty({ example: 'See you at 8 🙂', description: '"" for a system message and once deleted' })
  content!: string;

  @ApiProperty({ type: String, nullable: true, maxLength: MAX_CLIENT_ID_LENGTH, example: 'c1f2e3d4-0001', description: 'The sender’s idempotency key' })
  client_id!: string | null;

  @ApiProperty({ enum: ['sent', 'delivered', 'read'], example: 'delivered' })
  status!: MessageStatus;

  @ApiProperty({ format: 'date-time', example: '2026-11-24T14:03:22.123Z' })
  created_at!: string;

  @ApiProperty({ example: 1, description: '1 when stored, +1 on every edit, deletion or reaction change: the newest version wins' })
  version!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  edited_at!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Set once deleted for everyone' })
  deleted_at!: string | null;

  @ApiProperty({ type: ReplyToDto, nullable: true })
  reply_to!: ReplyToDto | null;

  @ApiProperty({ type: ReactionDto, isArray: true, description: 'Largest count first' })
  reactions!: ReactionDto[];

  @ApiProperty({ type: AttachmentDto, isArray: true })
  attachments!: AttachmentDto[];

  @ApiProperty({ type: SystemNoticeDto, nullable: true, description: 'What a system message says happened' })
  system!: SystemNoticeDto | null;

  @ApiPropertyOptional({
    enum: [true],
    description:
      'Present (true) only when the server cannot decrypt the stored content (a damaged row, or a key no longer configured): ' +
      '`content` is "" and clients show that the message cannot be displayed (an extension of the contract)',
  })
  unavailable?: true;
}
