import { isSingleEmoji } from '@chatflow/protocol';
import { BadRequestException, ConflictException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AttachmentsService } from '../attachments/attachments.service';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { BlindIndex } from '../platform/crypto/blind-index';
import { ContentCipher } from '../platform/crypto/content-cipher';
import { DomainEvents } from '../platform/domain-events';
import { MessageDeleted, MessageUpdated } from './conversation-events';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import type { MessageDto } from './dto/message.dto';
import { statusResolver } from './message-status';
import { type LockedMessage, MessagesRepository } from './messages.repository';
import { ParticipantDirectory } from './participant-directory';
import { Wire } from './wire';

type Outcome = { changed: false } | { changed: true; eventSeq: number };

const UNCHANGED: Outcome = { changed: false };

/**
 * Edits, deletions and reactions. Each change runs in one transaction that locks the
 * message, applies the rules, writes, and takes the conversation's next change number
 * (event_seq) — so it commits in number order with the messages around it. Once
 * committed it is announced; a repeat that changes nothing is answered and not announced.
 */
@Injectable()
export class MessageChangesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly access: ConversationsService,
    private readonly directory: ParticipantDirectory,
    private readonly cipher: ContentCipher,
    private readonly index: BlindIndex,
    private readonly wire: Wire,
    private readonly events: DomainEvents,
    private readonly attachments: AttachmentsService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'messages'>,
  ) {}

  /**
   * The sender replaces the text within the edit window (plus a grace for an edit started
   * in time). The old ciphertext and search tokens are overwritten, not kept; the same text again changes nothing.
   */
  edit(userId: string, conversationId: string, messageId: string, content: string): Promise<MessageDto> {
    const { editWindowSeconds, editGraceSeconds } = this.config.messages;
    return this.change(userId, conversationId, messageId, MessageUpdated, async (tx, message) => {
      assertUserMessage(message, 'edited');
      if (message.sender_id !== userId) throw new ForbiddenException('Only the sender can edit a message');
      if (message.age_seconds > editWindowSeconds + editGraceSeconds) {
        throw new ForbiddenException(`A message can be edited for ${describe(editWindowSeconds)} after it was sent`);
      }
      // Content that cannot be decrypted any more is simply replaced.
      const current = this.cipher.tryOpen(message.content_ciphertext!, message.content_key_id!, message.id);
      if ('plaintext' in current && current.plaintext === content) return UNCHANGED;
      const sealed = this.cipher.seal(content, message.id);
      await this.messages.overwriteContent(tx, message.id, {
        ...sealed,
        searchTokens: this.index.messageTokens(conversationId, content),
        searchKeyId: this.index.keyId,
      });
      return { changed: true, eventSeq: await this.messages.recordChange(tx, conversationId, 'message_updated', message.id) };
    });
  }

  /**
   * Deletion for everyone, by the sender within the delete window: the content, the reply
   * link, the reactions and the attachments are removed in the same transaction (the
   * attachments' blobs right after it commits, or by the sweep should that fail); the tombstone keeps id,
   * seq, sender and time. Deleting it again answers the same tombstone.
   */
  async delete(userId: string, conversationId: string, messageId: string): Promise<MessageDto> {
    const { deleteWindowSeconds } = this.config.messages;
    let purged: string[] = [];
    const tombstone = await this.change(userId, conversationId, messageId, MessageDeleted, async (tx, message) => {
      if (message.deleted_at) return UNCHANGED;
      if (message.kind === 'system') throw new ConflictException('A system message cannot be deleted');
      if (message.sender_id !== userId) throw new ForbiddenException('Only the sender can delete a message for everyone');
      if (message.age_seconds > deleteWindowSeconds) {
        throw new ForbiddenException(`A message can be deleted for everyone for ${describe(deleteWindowSeconds)} after it was sent`);
      }
      await this.messages.tombstone(tx, message.id);
      // Rows now, queued for the blob store in the same transaction; the blobs once committed.
      purged = await this.attachments.removeOfMessage(tx, message.id);
      return { changed: true, eventSeq: await this.messages.recordChange(tx, conversationId, 'message_deleted', message.id) };
    });
    await this.attachments.purge(purged);
    return tombstone;
  }

  /** The caller's one reaction: a new emoji replaces their previous one; the same one again changes nothing. */
  react(userId: string, conversationId: string, messageId: string, emoji: string): Promise<MessageDto> {
    if (!isSingleEmoji(emoji)) throw new BadRequestException('A reaction is a single emoji');
    return this.change(userId, conversationId, messageId, MessageUpdated, async (tx, message) => {
      assertUserMessage(message, 'reacted to');
      if (!(await this.messages.setReaction(tx, message.id, userId, emoji))) return UNCHANGED;
      return this.reactionChanged(tx, conversationId, message.id);
    });
  }

  /** Removes the caller's reaction, if they had one. */
  unreact(userId: string, conversationId: string, messageId: string): Promise<MessageDto> {
    return this.change(userId, conversationId, messageId, MessageUpdated, async (tx, message) => {
      if (!(await this.messages.removeReaction(tx, message.id, userId))) return UNCHANGED;
      return this.reactionChanged(tx, conversationId, message.id);
    });
  }

  private async reactionChanged(tx: EntityManager, conversationId: string, messageId: string): Promise<Outcome> {
    await this.messages.countVersion(tx, messageId);
    return { changed: true, eventSeq: await this.messages.recordChange(tx, conversationId, 'message_updated', messageId) };
  }

  /**
   * Access (404/403), then the message locked (404) while `apply` decides and writes, and
   * access again once it holds the conversation's lock (403, nothing written); announced once
   * committed.
   */
  private async change(
    userId: string,
    conversationId: string,
    messageId: string,
    Announcement: typeof MessageUpdated | typeof MessageDeleted,
    apply: (tx: EntityManager, message: LockedMessage) => Promise<Outcome>,
  ): Promise<MessageDto> {
    const { joinedSeq } = await this.access.member(conversationId, userId);
    const { outcome, view } = await this.messages.transaction(async (tx) => {
      const locked = await this.messages.lock(tx, conversationId, messageId);
      // A member added later does not see what came before them.
      if (!locked || Number(locked.seq) < joinedSeq) throw new NotFoundException('Message not found');
      const result = await apply(tx, locked);
      // A change ends by taking the conversation's change number, under its row lock: a removal
      // that committed while this one was on its way is visible from here on, and undoes it.
      if (result.changed && !(await this.conversations.membership(conversationId, userId, tx))) {
        throw new ForbiddenException('You are not a participant of this conversation');
      }
      // Read under the lock: the answer and the event show exactly the version this change made.
      const [changed] = await this.messages.views([messageId], tx);
      return { outcome: result, view: changed };
    });
    const status = statusResolver(await this.conversations.members(conversationId));
    const message = this.wire.message(view, status(view.sender_id, Number(view.seq)));
    if (outcome.changed) {
      this.events.publish(new Announcement(message, outcome.eventSeq, await this.directory.of(conversationId)));
    }
    return message;
  }
}

function assertUserMessage(message: LockedMessage, verb: string): void {
  if (message.kind === 'system') throw new ConflictException(`A system message cannot be ${verb}`);
  if (message.deleted_at) throw new ConflictException(`A deleted message cannot be ${verb}`);
}

function describe(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} seconds`;
}
