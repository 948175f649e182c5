import { Injectable } from '@nestjs/common';
import { ContentCipher } from '../platform/crypto/content-cipher';
import { iso } from '../platform/http/iso';
import { PublicUserDto } from '../users/dto/user.dto';
import type { ConversationSummaryRow, ParticipantRow } from './conversations.repository';
import { ConversationDto } from './dto/conversation.dto';
import { MessageDto } from './dto/message.dto';
import { type MessageStatus, statusResolver } from './message-status';
import type { MessageRow } from './messages.repository';

/** The one place where stored rows become wire objects (and content is decrypted). */
@Injectable()
export class Wire {
  constructor(
    private readonly cipher: ContentCipher,
  ) {}

  /** `content` may be given when the caller holds the plaintext already (it just sealed it). */
  message(row: MessageRow, status: MessageStatus, content?: string): MessageDto {
    return {
      id: row.id,
      conversation_id: row.conversation_id,
      sender_id: row.sender_id,
      content: content ?? this.cipher.open(row.content_ciphertext, row.content_key_id, row.id),
      client_id: row.client_id,
      status,
      created_at: iso(row.created_at)!,
    };
  }

  conversation(summary: ConversationSummaryRow, participants: ParticipantRow[], online: Set<string>): ConversationDto {
    const status = statusResolver(
      participants.map((p) => ({ userId: p.user_id, readSeq: Number(p.last_read_seq), deliveredSeq: Number(p.last_delivered_seq) })),
    );
    const last = summary.last_message;
    return {
      id: summary.id,
      name: summary.name,
      is_group_chat: summary.is_group_chat,
      created_at: iso(summary.created_at)!,
      last_message_at: iso(summary.last_message_at),
      participants: participants.map((p) =>
        PublicUserDto.from(
          { id: p.user_id, username: p.username, fullName: p.full_name, avatarUrl: p.avatar_url, lastSeenAt: p.last_seen_at },
          online.has(p.user_id),
        ),
      ),
      last_message: last ? this.message(last, status(last.sender_id, Number(last.seq))) : null,
      unread_count: summary.unread_count,
      has_unread: summary.unread_count > 0,
    };
  }
}
