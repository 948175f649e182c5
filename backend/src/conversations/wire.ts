import { firstCharacters, REPLY_PREVIEW_CHARACTERS } from '@chatflow/protocol';
import { Injectable } from '@nestjs/common';
import { AttachmentViews } from '../attachments/attachment-views';
import { ContentCipher } from '../platform/crypto/content-cipher';
import { UnreadableContentLog } from '../platform/crypto/unreadable-content-log';
import { iso } from '../platform/http/iso';
import { PublicUserDto } from '../users/dto/user.dto';
import type { StoredSettings } from './chat-settings.repository';
import type { ConversationSummaryRow, ParticipantRow } from './conversations.repository';
import type { ChatSettingsDto, ConversationDto } from './dto/conversation.dto';
import { MessageDto } from './dto/message.dto';
import { type MessageStatus, statusResolver } from './message-status';
import type { MessageView, ReplyColumns } from './messages.repository';

/**
 * The one place where stored rows become wire objects (and content is decrypted). A row that
 * cannot be decrypted (damaged, or sealed with a key no longer configured) becomes a message
 * flagged `unavailable` with no content, logged once: one bad row never fails a page.
 */
@Injectable()
export class Wire {
  private readonly unreadable = new UnreadableContentLog();

  constructor(
    private readonly cipher: ContentCipher,
    private readonly attachments: AttachmentViews,
  ) {}

  /** `content` may be given when the caller holds the plaintext already (it just sealed it). */
  message(row: MessageView, status: MessageStatus, content?: string): MessageDto {
    const text = content ?? this.open(row.content_ciphertext, row.content_key_id, row.id);
    return {
      id: row.id,
      conversation_id: row.conversation_id,
      seq: Number(row.seq),
      kind: row.kind,
      sender_id: row.sender_id,
      content: text ?? '',
      client_id: row.client_id,
      status,
      created_at: iso(row.created_at)!,
      version: row.version,
      edited_at: iso(row.edited_at),
      deleted_at: iso(row.deleted_at),
      reply_to: this.replyTo(row),
      reactions: row.reactions ?? [],
      attachments: (row.attachments ?? []).map((a) => this.attachments.toDto(a)),
      system: row.system ? { ...row.system, role: row.system.role ?? null } : null,
      ...(text === undefined ? { unavailable: true as const } : {}),
    };
  }

  /** A system message and a deleted one have no content (""); undefined: it cannot be decrypted. */
  private open(ciphertext: Buffer | null, keyId: string | null, messageId: string): string | undefined {
    if (!ciphertext || !keyId) return '';
    const opened = this.cipher.tryOpen(ciphertext, keyId, messageId);
    if ('plaintext' in opened) return opened.plaintext;
    this.unreadable.report(messageId, keyId, opened.error);
    return undefined;
  }

  private replyTo(row: ReplyColumns): MessageDto['reply_to'] {
    if (!row.reply_id || !row.reply_sender_id) return null;
    const deleted = row.reply_deleted_at !== null;
    return {
      id: row.reply_id,
      sender_id: row.reply_sender_id,
      preview: deleted ? '' : firstCharacters(this.open(row.reply_ciphertext, row.reply_key_id, row.reply_id) ?? '', REPLY_PREVIEW_CHARACTERS),
      deleted,
    };
  }

  conversation(
    summary: ConversationSummaryRow,
    lastMessage: MessageView | undefined,
    participants: ParticipantRow[],
    online: Set<string>,
  ): ConversationDto {
    const { conversation_id: _, ...settings } = this.settings(summary.id, summary);
    const status = statusResolver(
      participants.map((p) => ({ userId: p.user_id, readSeq: Number(p.last_read_seq), deliveredSeq: Number(p.last_delivered_seq) })),
    );
    return {
      id: summary.id,
      name: summary.name,
      is_group_chat: summary.is_group_chat,
      created_at: iso(summary.created_at)!,
      last_message_at: iso(summary.last_message_at),
      participants: participants.map((p) => ({
        ...PublicUserDto.from(
          { id: p.user_id, username: p.username, fullName: p.full_name, avatarUrl: p.avatar_url, lastSeenAt: p.last_seen_at, deletedAt: p.deleted_at },
          online.has(p.user_id),
          // Someone who blocked the viewer shows them no presence.
          !p.blocked_viewer,
        ),
        role: p.role,
      })),
      last_message: lastMessage ? this.message(lastMessage, status(lastMessage.sender_id, Number(lastMessage.seq))) : null,
      unread_count: summary.unread_count,
      has_unread: summary.unread_count > 0,
      last_event_seq: Number(summary.last_event_seq),
      created_by: summary.created_by,
      ...settings,
    };
  }

  /** A participant's own settings of a chat; a time already past means no longer muted. */
  settings(conversationId: string, row: StoredSettings, now = new Date()): ChatSettingsDto {
    return {
      conversation_id: conversationId,
      muted_until: row.muted_until && row.muted_until > now ? iso(row.muted_until) : null,
      pinned_at: iso(row.pinned_at),
      archived: row.archived_at !== null,
      marked_unread: row.marked_unread,
      settings_version: Number(row.settings_version),
    };
  }
}
