import { Injectable } from '@nestjs/common';
import { ConversationsRepository } from './conversations.repository';

const MAX_CACHED = 50_000;

/**
 * Who is in a conversation, for addressing events. Membership never changes after a
 * conversation is created, so answers are cached (bounded, oldest evicted first).
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

  remember(conversationId: string, userIds: string[]): void {
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(conversationId, userIds);
  }
}
