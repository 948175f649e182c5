import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { prepared, sql } from '../platform/database/sql';

export interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
  user_agent: string | null;
  revoked_at: Date | null;
}

/** SQL for sessions. */
@Injectable()
export class SessionsRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  /** A new session; the user's sessions that ended more than 30 days ago are dropped (rows stay bounded per user). */
  async create(session: { id: string; userId: string; expiresAt: Date; userAgent: string | null }): Promise<void> {
    await sql(
      this.db,
      `DELETE FROM sessions WHERE user_id = $1 AND LEAST(expires_at, COALESCE(revoked_at, 'infinity')) < now() - interval '30 days'`,
      [session.userId],
    );
    await sql(this.db, `INSERT INTO sessions (id, user_id, expires_at, user_agent) VALUES ($1, $2, $3, $4)`, [
      session.id,
      session.userId,
      session.expiresAt,
      session.userAgent,
    ]);
  }

  async find(id: string): Promise<SessionRow | undefined> {
    const [row] = await prepared<SessionRow>(this.db, 'session_by_id', `SELECT * FROM sessions WHERE id = $1`, [id]);
    return row;
  }

  /** Marks the session used now, at most once a minute (a write per minute, not per request). */
  async touch(id: string): Promise<void> {
    await prepared(
      this.db,
      'session_touch',
      `UPDATE sessions SET last_used_at = date_trunc('milliseconds', now())
        WHERE id = $1 AND last_used_at < now() - interval '1 minute'`,
      [id],
    );
  }

  /** Those of `ids` that can still be used. */
  async liveAmong(ids: string[]): Promise<Set<string>> {
    const rows = await sql<{ id: string }>(
      this.db,
      `SELECT id FROM sessions WHERE id = ANY($1::uuid[]) AND revoked_at IS NULL AND expires_at > now()`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** The user's sessions that can still be used, most recently used first. */
  live(userId: string): Promise<SessionRow[]> {
    return sql<SessionRow>(
      this.db,
      `SELECT * FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now() ORDER BY last_used_at DESC, created_at DESC`,
      [userId],
    );
  }

  /** Revokes the user's live sessions among `ids` (all of them when `ids` is omitted, but `except`); the ids revoked. */
  async revoke(userId: string, { ids, except }: { ids?: string[]; except?: string } = {}): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      this.db,
      `UPDATE sessions SET revoked_at = date_trunc('milliseconds', now())
        WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()
          AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[])) AND ($3::uuid IS NULL OR id <> $3::uuid)
        RETURNING id`,
      [userId, ids ?? null, except ?? null],
    );
    return rows.map((r) => r.id);
  }
}
