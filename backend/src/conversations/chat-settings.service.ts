import { MAX_PINNED_CHATS } from '@chatflow/protocol';
import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DomainEvents } from '../platform/domain-events';
import { ChatSettingsRepository, type SettingsValues, type StoredSettings } from './chat-settings.repository';
import { ChatSettingsChanged } from './conversation-events';
import type { ChatSettingsDto } from './dto/conversation.dto';
import type { UpdateChatSettingsDto } from './dto/update-chat-settings.dto';
import { Wire } from './wire';

/**
 * Each user's own settings of their chats — mute, pin, archive, mark unread — kept on the
 * server so they follow the user to every device, and announced to that user's devices only:
 * they are no change of the conversation (nobody else's client hears of them).
 */
@Injectable()
export class ChatSettingsService {
  constructor(
    private readonly settings: ChatSettingsRepository,
    private readonly wire: Wire,
    private readonly events: DomainEvents,
  ) {}

  /** 404 when the conversation does not exist or the user is not in it: nobody else's settings are anyone's business. */
  async change(userId: string, conversationId: string, change: UpdateChatSettingsDto): Promise<ChatSettingsDto> {
    if (Object.values(change).every((value) => value === undefined)) {
      throw new BadRequestException('Give at least one of muted_until, pinned, archived, marked_unread');
    }
    if (change.pinned && change.archived) throw new BadRequestException('An archived chat cannot be pinned');
    const now = new Date();
    const stored = await this.settings.change(conversationId, userId, (current, pinnedElsewhere) => next(current, change, pinnedElsewhere, now));
    if (!stored) throw new NotFoundException('Conversation not found');
    const settings = this.wire.settings(conversationId, stored, now);
    this.events.publish(new ChatSettingsChanged(userId, settings));
    return settings;
  }
}

/**
 * The settings a change leaves, as WhatsApp has them: archiving unpins, pinning takes a chat
 * out of the archive, pinning a chat already pinned keeps its place, a mute already over is none.
 */
function next(current: StoredSettings, change: UpdateChatSettingsDto, pinnedElsewhere: number, now: Date): SettingsValues {
  const values: SettingsValues = {
    muted_until: current.muted_until,
    pinned_at: current.pinned_at,
    archived_at: current.archived_at,
    marked_unread: current.marked_unread,
  };
  if (change.muted_until !== undefined) {
    const until = change.muted_until === null ? null : new Date(change.muted_until);
    values.muted_until = until && until > now ? until : null;
  }
  if (change.archived !== undefined) {
    values.archived_at = change.archived ? (current.archived_at ?? now) : null;
    if (change.archived) values.pinned_at = null;
  }
  if (change.pinned !== undefined) {
    if (change.pinned && !current.pinned_at && pinnedElsewhere >= MAX_PINNED_CHATS) {
      throw new ConflictException(`You can only pin up to ${MAX_PINNED_CHATS} chats`);
    }
    values.pinned_at = change.pinned ? (current.pinned_at ?? now) : null;
    if (change.pinned) values.archived_at = null;
  }
  if (change.marked_unread !== undefined) values.marked_unread = change.marked_unread;
  return values;
}
