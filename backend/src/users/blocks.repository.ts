import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { prepared, sql } from '../platform/database/sql';

export interface BlockedUserRow {
  id: string;
  username: string;
  full_name: string | null;
  avatar_url: string | null;
  last_seen_at: Date | null;
  /** Whether the blocker may see this user's presence (they share a conversation). */
  shares_conversation: boolean;
}

/** SQL for blocking: who blocked whom. */
@Injectable()
export class BlocksRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  /**
   * True when it was not blocked yet. Their one-on-one, if any, counts a change of who may
   * write in it (access_version): a message of either still waiting for its lock is checked again.
   */
  async block(blockerId: string, blockedId: string): Promise<boolean> {
    const rows = await sql(
      this.db,
      `WITH blocked AS (
         INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1
       ), direct AS (
         UPDATE conversations SET access_version = access_version + 1
          WHERE direct_key IN ($1::uuid::text || ':' || $2::uuid::text, $2::uuid::text || ':' || $1::uuid::text) AND EXISTS (SELECT 1 FROM blocked)
       )
       SELECT 1 FROM blocked`,
      [blockerId, blockedId],
    );
    return rows.length > 0;
  }

  /** True when it was blocked. */
  async unblock(blockerId: string, blockedId: string): Promise<boolean> {
    const rows = await sql(this.db, `DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2 RETURNING 1`, [blockerId, blockedId]);
    return rows.length > 0;
  }

  /** Every block by or of the user (their account is being deleted). */
  async removeAllOf(manager: EntityManager, userId: string): Promise<void> {
    await sql(manager, `DELETE FROM blocks WHERE blocker_id = $1 OR blocked_id = $1`, [userId]);
  }

  /** The users the blocker blocked, by username. */
  blockedBy(blockerId: string): Promise<BlockedUserRow[]> {
    return sql<BlockedUserRow>(
      this.db,
      `SELECT u.id, u.username, u.full_name, u.avatar_url, u.last_seen_at,
              EXISTS (SELECT 1 FROM participants mine JOIN participants theirs ON theirs.conversation_id = mine.conversation_id
                       WHERE mine.user_id = $1 AND theirs.user_id = u.id) AS shares_conversation
         FROM blocks b JOIN users u ON u.id = b.blocked_id
        WHERE b.blocker_id = $1
        ORDER BY lower(u.username)`,
      [blockerId],
    );
  }

  /** Which of these users have blocked `userId`. */
  async blockersOf(userId: string, amongIds: string[]): Promise<Set<string>> {
    if (!amongIds.length) return new Set();
    const rows = await prepared<{ blocker_id: string }>(
      this.db,
      'blockers_of',
      `SELECT blocker_id FROM blocks WHERE blocked_id = $1 AND blocker_id = ANY($2::uuid[])`,
      [userId, amongIds],
    );
    return new Set(rows.map((r) => r.blocker_id));
  }
}
