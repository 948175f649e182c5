import type { Message, MessageStatus } from '@chatflow/protocol';
import { MAX_CLIENT_ID_LENGTH } from '@chatflow/protocol';
import { ApiProperty } from '@nestjs/swagger';

export class MessageDto implements Message {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  conversation_id!: string;

  @ApiProperty({ format: 'uuid' })
  sender_id!: string;

  @ApiProperty({ example: 'See you at 8 🙂' })
  content!: string;

  @ApiProperty({ type: String, nullable: true, maxLength: MAX_CLIENT_ID_LENGTH, example: 'c1f2e3d4-0001', description: 'The sender’s idempotency key' })
  client_id!: string | null;

  @ApiProperty({ enum: ['sent', 'delivered', 'read'], example: 'delivered' })
  status!: MessageStatus;

  @ApiProperty({ format: 'date-time', example: '2026-11-24T14:03:22.123Z' })
  created_at!: string;
}
