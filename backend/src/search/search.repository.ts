import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { prepared, sql } from '../platform/database/sql';

/** Where a reader stands in a conversation they search: they see its messages from `joinedSeq` on. */
export interface SearchScope {
  conversationId: string;
  joinedSeq: number;
}

/** A position in search order (newest first): by time, then conversation, then sequence number. */
export interface SearchCursor {
  createdAt: Date;
  conversationId: string;
  seq: number;
}

/** A message the index names, to be confirmed on its decrypted text. */
export interface Candidate {
  id: string;
  conversation_id: string;
  seq: string;
  created_at: Date;
  content_ciphertext: Buffer;
  content_key_id: string;
}

const NEWEST: SearchCursor = { createdAt: new Date(8.64e15), conversationId: 'ffffffff-ffff-ffff-ffff-ffffffffffff', seq: Number.MAX_SAFE_INTEGER };

@Injectable()
export class SearchRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  /** The conversations the user is in, each with where they joined it. */
  async scopes(userId: string): Promise<SearchScope[]> {
    const rows = await prepared<{ conversation_id: string; joined_seq: string }>(
      this.db,
      'search_scopes',
      `SELECT conversation_id, joined_seq FROM participants WHERE user_id = $1`,
      [userId],
    );
    return rows.map((r) => ({ conversationId: r.conversation_id, joinedSeq: Number(r.joined_seq) }));
  }

  /** The position of a message the user can read (in a conversation of theirs, since they joined). */
  async cursor(userId: string, messageId: string): Promise<SearchCursor | undefined> {
    const [row] = await prepared<{ created_at: Date; conversation_id: string; seq: string }>(
      this.db,
      'search_cursor',
      `SELECT m.created_at, m.conversation_id, m.seq FROM messages m
         JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = $1
        WHERE m.id = $2 AND m.seq >= p.joined_seq`,
      [userId, messageId],
    );
    return row && { createdAt: row.created_at, conversationId: row.conversation_id, seq: Number(row.seq) };
  }

  /**
   * The newest `limit` messages older than the cursor whose index holds every token asked of
   * their conversation (`tokens` holds `wordCount` per scope, in the scopes' order). One GIN
   * lookup per conversation (`@>` intersects the words' posting lists inside the index), each
   * cut to `limit` newest, then merged. Deleted and system messages have no tokens.
   */
  candidates(scopes: SearchScope[], tokens: number[], wordCount: number, cursor: SearchCursor | undefined, limit: number): Promise<Candidate[]> {
    const from = cursor ?? NEWEST;
    return sql<Candidate>(
      this.db,
      `SELECT m.* FROM unnest($1::uuid[], $2::bigint[]) WITH ORDINALITY AS s(conversation_id, joined_seq, i)
       CROSS JOIN LATERAL (
         SELECT m.id, m.conversation_id, m.seq, m.created_at, m.content_ciphertext, m.content_key_id FROM messages m
          WHERE m.conversation_id = s.conversation_id AND m.seq >= s.joined_seq
            AND m.search_tokens @> ($3::int[])[(s.i - 1) * $4 + 1 : s.i * $4]
            AND (m.created_at, m.conversation_id, m.seq) < ($5::timestamptz, $6::uuid, $7::bigint)
          ORDER BY m.seq DESC LIMIT $8) m
       ORDER BY m.created_at DESC, m.conversation_id DESC, m.seq DESC LIMIT $8`,
      [
        scopes.map((s) => s.conversationId),
        scopes.map((s) => s.joinedSeq),
        tokens,
        wordCount,
        from.createdAt,
        from.conversationId,
        from.seq,
        limit,
      ],
    );
  }
}
