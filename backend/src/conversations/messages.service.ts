import { BadRequestException, ForbiddenException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { AttachmentRecord } from '../attachments/attachments.repository';
import { AttachmentsService } from '../attachments/attachments.service';
import { BlindIndex } from '../platform/crypto/blind-index';
import { ContentCipher } from '../platform/crypto/content-cipher';
import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import { DomainEvents } from '../platform/domain-events';
import { MessageStored, MessagesDelivered } from './conversation-events';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import type { ListMessagesQueryDto } from './dto/list-messages-query.dto';
import type { MessageDto } from './dto/message.dto';
import type { SendMessageDto } from './dto/send-message.dto';
import { statusResolver } from './message-status';
import { DeliveryReceipt, MessageRefused, MessagesRepository, PageCursor, type Refusal, type ReplyColumns } from './messages.repository';
import { ParticipantDirectory } from './participant-directory';
import { Wire } from './wire';

/** What a sender hears when the database refuses their message (blocking is private: nothing more). */
const REFUSALS: Record<Refusal, string> = {
  not_participant: 'You are not a participant of this conversation',
  blocked: 'You cannot send messages to this contact',
  blocking: 'You blocked this contact: unblock them to send messages',
  ended: 'This account was deleted: nobody can send messages to it',
};

const NO_REPLY: ReplyColumns = { reply_id: null, reply_sender_id: null, reply_ciphertext: null, reply_key_id: null, reply_deleted_at: null };

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly access: ConversationsService,
    private readonly cipher: ContentCipher,
    private readonly index: BlindIndex,
    private readonly wire: Wire,
    private readonly events: DomainEvents,
    private readonly directory: ParticipantDirectory,
    private readonly limiter: RateLimiter,
    private readonly attachments: AttachmentsService,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'limits'>,
  ) {}

  /**
   * A page of history. Fetching counts as receiving: the caller's delivery watermark
   * moves to the newest message of the page.
   */
  async list(userId: string, conversationId: string, query: ListMessagesQueryDto): Promise<MessageDto[]> {
    if (query.before && query.after) throw new BadRequestException('Give at most one of before and after');
    // The participants answer the access check too: a conversation nobody is in is one
    // nobody sees (a group whose last member left).
    const watermarks = await this.conversations.members(conversationId);
    const mine = watermarks.find((w) => w.userId === userId);
    if (!watermarks.length) throw new NotFoundException('Conversation not found');
    if (!mine) throw new ForbiddenException('You are not a participant of this conversation');
    const cursor = await this.cursor(conversationId, query);
    // A member added later sees the conversation from their own member_added on.
    const rows = await this.messages.page(conversationId, cursor, query.limit ?? 50, mine.joinedSeq);
    const newest = rows.length ? Number(rows[rows.length - 1].seq) : 0;
    if (newest > mine.deliveredSeq) {
      await this.recordDeliveries([{ conversationId, userId, seq: newest }]);
      mine.deliveredSeq = newest;
    }
    const status = statusResolver(watermarks);
    return rows.map((row) => this.wire.message(row, status(row.sender_id, Number(row.seq))));
  }

  /** These messages as history shows them now (in no particular order); reading them records no delivery. */
  async views(messageIds: string[]): Promise<MessageDto[]> {
    const rows = await this.messages.views(messageIds);
    const statuses = new Map<string, ReturnType<typeof statusResolver>>();
    for (const id of new Set(rows.map((r) => r.conversation_id))) statuses.set(id, statusResolver(await this.conversations.members(id)));
    return rows.map((row) => this.wire.message(row, statuses.get(row.conversation_id)!(row.sender_id, Number(row.seq))));
  }

  /**
   * Every message of the conversation the user can read (since they joined), oldest first, in
   * pages of `pageSize` — for the account export; reading them here records no delivery.
   */
  async *readable(userId: string, conversationId: string, pageSize = 500): AsyncGenerator<MessageDto[]> {
    const members = await this.conversations.members(conversationId);
    const mine = members.find((m) => m.userId === userId);
    if (!mine) return;
    const status = statusResolver(members);
    for (let after = 0; ; ) {
      const rows = await this.messages.page(conversationId, { after }, pageSize, mine.joinedSeq);
      if (!rows.length) return;
      yield rows.map((row) => this.wire.message(row, status(row.sender_id, Number(row.seq))));
      after = Number(rows[rows.length - 1].seq);
    }
  }

  /** The messages the user wrote in conversations they have left, oldest first, in pages — for the export. */
  async *sentElsewhere(userId: string, pageSize = 500): AsyncGenerator<MessageDto[]> {
    for (let after: { createdAt: Date; id: string } | undefined; ; ) {
      const rows = await this.messages.sentOutside(userId, after, pageSize);
      if (!rows.length) return;
      yield rows.map((row) => this.wire.message(row, 'sent'));
      const last = rows[rows.length - 1];
      after = { createdAt: last.created_at, id: last.id };
    }
  }

  /**
   * Stores a message once per (sender, client_id): a resend returns the message first
   * stored, even when both copies arrive at the same moment. A new message is announced to
   * every participant's connections; `senderConnectionId` names the one that gets an ack.
   */
  async send(
    userId: string,
    conversationId: string,
    input: SendMessageDto,
    origin: { connectionId?: string; participantVerified?: boolean } = {},
  ): Promise<{ message: MessageDto; eventSeq: number; created: boolean }> {
    // One budget per user over REST and every socket (and every instance, through Redis): 429 / `rate_limited`.
    await this.limiter.take(
      [{ key: `messages:user:${userId}`, max: this.config.limits.messagesPerMinutePerUser, windowMs: 60_000 }],
      'Too many messages; slow down',
    );
    if (!origin.participantVerified) await this.access.assertParticipant(conversationId, userId);
    const clientId = input.client_id ?? null;
    const reply = input.reply_to_id ? await this.replyTarget(conversationId, input.reply_to_id.toLowerCase(), userId) : undefined;
    const id = randomUUID();
    const attachments = await this.claimAttachments(userId, id, input.attachment_ids);
    const sealed = this.cipher.seal(input.content, id);
    const row = await this.messages
      .append({
        id,
        conversationId,
        senderId: userId,
        clientId,
        ciphertext: sealed.ciphertext,
        keyId: sealed.keyId,
        replyToId: reply?.reply_id ?? null,
        searchTokens: this.index.messageTokens(conversationId, input.content),
        searchKeyId: this.index.keyId,
      })
      .catch(async (error: unknown) => {
        if (attachments.length) await this.attachments.release(id);
        throw error instanceof MessageRefused ? new ForbiddenException(REFUSALS[error.refusal]) : error;
      });
    // Nothing stored: this sender already used the client_id (its attachments stay theirs, to send again).
    if (!row) {
      if (attachments.length) await this.attachments.release(id);
      return { ...(await this.existing(userId, clientId!))!, created: false };
    }
    const message = this.wire.message({ ...row, ...(reply ?? NO_REPLY), reactions: null, attachments }, 'sent', input.content);
    const eventSeq = Number(row.event_seq);
    this.events.publish(new MessageStored(message, eventSeq, await this.directory.of(conversationId), origin.connectionId));
    return { message, eventSeq, created: true };
  }

  /**
   * Reserves the attachments for the message about to be stored (the statement storing it
   * links them): 400 unless each is the sender's own upload that no message carries yet.
   */
  private async claimAttachments(userId: string, messageId: string, ids: string[] | undefined): Promise<AttachmentRecord[]> {
    if (!ids?.length) return [];
    const wanted = ids.map((id) => id.toLowerCase());
    const claimed = await this.attachments.claim(userId, messageId, wanted);
    if (claimed.length !== wanted.length) {
      await this.attachments.release(messageId);
      throw new BadRequestException('attachment_ids must name files you uploaded that no message carries yet');
    }
    return claimed;
  }

  /** A message of this conversation that a new one may quote (not a system notice); 400 otherwise. */
  private async replyTarget(conversationId: string, messageId: string, senderId: string): Promise<ReplyColumns> {
    const target = await this.messages.replyTarget(conversationId, messageId, senderId);
    if (!target) throw new BadRequestException('reply_to_id is not a message of this conversation');
    if (target.kind === 'system') throw new BadRequestException('A system message cannot be replied to');
    return target;
  }

  /** Moves delivery watermarks (batched) and tells the other participants. */
  async recordDeliveries(receipts: DeliveryReceipt[]): Promise<void> {
    const moved = await this.messages.markDelivered(receipts);
    for (const receipt of moved) {
      const participants = await this.directory.of(receipt.conversationId);
      this.events.publish(new MessagesDelivered(receipt.conversationId, receipt.userId, receipt.at.toISOString(), participants));
    }
  }

  private async existing(userId: string, clientId: string): Promise<{ message: MessageDto; eventSeq: number } | undefined> {
    const row = await this.messages.findByClientId(userId, clientId);
    if (!row) return undefined;
    const status = statusResolver(await this.conversations.members(row.conversation_id));
    return { message: this.wire.message(row, status(row.sender_id, Number(row.seq))), eventSeq: Number(row.event_seq) };
  }

  private async cursor(conversationId: string, query: ListMessagesQueryDto): Promise<PageCursor> {
    const id = query.before ?? query.after;
    if (!id) return undefined;
    const seq = await this.messages.seqOf(conversationId, id);
    if (seq === undefined) throw new BadRequestException('The cursor is not a message of this conversation');
    return query.before ? { before: seq } : { after: seq };
  }
}
