import { BadRequestException, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ContentCipher } from '../common/crypto/content-cipher';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import type { ListMessagesQueryDto } from './dto/list-messages-query.dto';
import type { MessageDto } from './dto/message.dto';
import type { SendMessageDto } from './dto/send-message.dto';
import { statusResolver } from './message-status';
import { MessagesRepository, PageCursor } from './messages.repository';
import { Wire } from './wire';

@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly conversations: ConversationsRepository,
    private readonly access: ConversationsService,
    private readonly cipher: ContentCipher,
    private readonly wire: Wire,
  ) {}

  /**
   * A page of history. Fetching counts as receiving: the caller's delivery watermark
   * moves to the newest message of the page.
   */
  async list(userId: string, conversationId: string, query: ListMessagesQueryDto): Promise<MessageDto[]> {
    if (query.before && query.after) throw new BadRequestException('Give at most one of before and after');
    await this.access.assertParticipant(conversationId, userId);
    const cursor = await this.cursor(conversationId, query);
    const rows = await this.messages.page(conversationId, cursor, query.limit ?? 50);
    if (rows.length) await this.messages.markDelivered(conversationId, userId, Number(rows[rows.length - 1].seq));
    const status = statusResolver(await this.conversations.watermarks(conversationId));
    return rows.map((row) => this.wire.message(row, status(row.sender_id, Number(row.seq))));
  }

  /**
   * Stores a message once per (sender, client_id): a resend returns the message first
   * stored, even when both copies arrive at the same moment.
   */
  async send(userId: string, conversationId: string, input: SendMessageDto): Promise<{ message: MessageDto; created: boolean }> {
    await this.access.assertParticipant(conversationId, userId);
    const clientId = input.client_id ?? null;
    if (clientId) {
      const existing = await this.existing(userId, clientId);
      if (existing) return { message: existing, created: false };
    }
    const id = randomUUID();
    const sealed = this.cipher.seal(input.content, id);
    const row = await this.messages.append({
      id,
      conversationId,
      senderId: userId,
      clientId,
      ciphertext: sealed.ciphertext,
      keyId: sealed.keyId,
    });
    if (!row) return { message: (await this.existing(userId, clientId!))!, created: false };
    return { message: this.wire.message(row, 'sent'), created: true };
  }

  private async existing(userId: string, clientId: string): Promise<MessageDto | undefined> {
    const row = await this.messages.findByClientId(userId, clientId);
    if (!row) return undefined;
    const status = statusResolver(await this.conversations.watermarks(row.conversation_id));
    return this.wire.message(row, status(row.sender_id, Number(row.seq)));
  }

  private async cursor(conversationId: string, query: ListMessagesQueryDto): Promise<PageCursor> {
    const id = query.before ?? query.after;
    if (!id) return undefined;
    const seq = await this.messages.seqOf(conversationId, id);
    if (seq === undefined) throw new BadRequestException('The cursor is not a message of this conversation');
    return query.before ? { before: seq } : { after: seq };
  }
}
