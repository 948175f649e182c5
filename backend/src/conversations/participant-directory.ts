import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { sql } from '../database/sql';

const MAX_CACHED = 50_000;

/**
 * Who is in a conversation, for addressing events. Membership never changes after a
 * conversation is created, so answers are cached (bounded, oldest evicted first).
 */
@Injectable()
export class ParticipantDirectory {
  private readonly cache = new Map<string, string[]>();

  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  async of(conversationId: string): Promise<string[]> {
    const cached = this.cache.get(conversationId);
    if (cached) return cached;
    const rows = await sql<{ user_id: string }>(this.db, `SELECT user_id FROM participants WHERE conversation_id = $1`, [
      conversationId,
    ]);
    const ids = rows.map((r) => r.user_id);
    if (ids.length) this.remember(conversationId, ids);
    return ids;
  }

  remember(conversationId: string, userIds: string[]): void {
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(conversationId, userIds);
  }
}
