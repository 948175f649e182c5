import { Injectable } from '@nestjs/common';
import { ConversationsRepository } from './conversations.repository';

const MAX_CACHED = 50_000;

/**
 * Who is in a conversation, for addressing events. Answers are cached (bounded, oldest
 * evicted first) and forgotten when membership changes — on this instance by the change
 * itself, on the others as its event passes (see FanOut). Delivery never trusts this list
 * alone: a connection gets a conversation's changes only while it follows it.
 */
@Injectable()
export class ParticipantDirectory {
  private readonly cache = new Map<string, string[]>();

  constructor(private readonly conversations: ConversationsRepository) {}

  async of(conversationId: string): Promise<string[]> {
    const cached = this.cache.get(conversationId);
    if (cached) return cached;
    const ids = await this.conversations.participantIds(conversationId);
    if (ids.length) this.remember(conversationId, ids);
    return ids;
  }

  /** Membership changed: the next question goes to PostgreSQL. */
  forget(conversationId: string): void {
    this.cache.delete(conversationId);
  }

  remember(conversationId: string, userIds: string[]): void {
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(conversationId, userIds);
  }
}
