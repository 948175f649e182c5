import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { prepared } from '../platform/database/sql';

/** SQL for presence: who hears about a user, and when they were last seen. */
@Injectable()
export class PresenceRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  /** Stamps the user's `last_seen_at` with now; null when the account is gone. */
  async recordLastSeen(userId: string): Promise<Date | null> {
    const [row] = await prepared<{ last_seen_at: Date }>(
      this.db,
      'presence_last_seen',
      `UPDATE users SET last_seen_at = date_trunc('milliseconds', clock_timestamp()) WHERE id = $1 RETURNING last_seen_at`,
      [userId],
    );
    return row?.last_seen_at ?? null;
  }

  /** Who may see the user's presence: everyone who shares a conversation with them, but those they blocked. */
  async contactsOf(userId: string): Promise<string[]> {
    const rows = await prepared<{ user_id: string }>(
      this.db,
      'presence_contacts',
      `SELECT DISTINCT other.user_id FROM participants mine
         JOIN participants other ON other.conversation_id = mine.conversation_id
        WHERE mine.user_id = $1 AND other.user_id <> $1
          AND NOT EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = $1 AND b.blocked_id = other.user_id)`,
      [userId],
    );
    return rows.map((r) => r.user_id);
  }

  /** When the user was last seen, if `viewerId` shares a conversation with them; undefined otherwise. */
  async lastSeenFor(userId: string, viewerId: string): Promise<{ lastSeenAt: Date | null } | undefined> {
    const [row] = await prepared<{ last_seen_at: Date | null }>(
      this.db,
      'presence_last_seen_for',
      `SELECT u.last_seen_at FROM users u
        WHERE u.id = $1 AND EXISTS (SELECT 1 FROM participants mine JOIN participants theirs ON theirs.conversation_id = mine.conversation_id
                                     WHERE mine.user_id = $1 AND theirs.user_id = $2)`,
      [userId, viewerId],
    );
    return row ? { lastSeenAt: row.last_seen_at } : undefined;
  }
}
