import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { intArrayLiteral, prepared, sql } from '../platform/database/sql';

/** Where a reader stands in a conversation they search: they see its messages from `joinedSeq` on. */
export interface SearchScope {
  conversationId: string;
  joinedSeq: number;
  /** No message of the conversation is newer (its last message's time; messages take it when stored). */
  lastMessageAt?: Date;
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

/** A message whose index is missing or made under another search key, locked while it is indexed again. */
export interface Unindexed {
  id: string;
  conversation_id: string;
  content_ciphertext: Buffer;
  content_key_id: string;
}

/** Messages with content (user messages not deleted) whose tokens were not made under this search key. */
const UNINDEXED = `content_ciphertext IS NOT NULL AND search_key_id IS DISTINCT FROM $1`;

const NEWEST: SearchCursor = { createdAt: new Date(8.64e15), conversationId: 'ffffffff-ffff-ffff-ffff-ffffffffffff', seq: Number.MAX_SAFE_INTEGER };

@Injectable()
export class SearchRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  /**
   * The conversations the user is in that hold a message they can read, each with where they
   * joined it and the time of its last message, newest activity first.
   */
  async scopes(userId: string): Promise<SearchScope[]> {
    const rows = await prepared<{ conversation_id: string; joined_seq: string; last_message_at: Date }>(
      this.db,
      'search_scopes',
      `SELECT p.conversation_id, p.joined_seq, c.last_message_at FROM participants p JOIN conversations c ON c.id = p.conversation_id
        WHERE p.user_id = $1 AND c.last_message_at IS NOT NULL AND c.last_seq >= p.joined_seq
        ORDER BY c.last_message_at DESC, c.id DESC`,
      [userId],
    );
    return rows.map((r) => ({ conversationId: r.conversation_id, joinedSeq: Number(r.joined_seq), lastMessageAt: r.last_message_at }));
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

  /** How many messages need indexing under this search key. */
  async countUnindexed(searchKeyId: string): Promise<number> {
    const [row] = await sql<{ n: string }>(this.db, `SELECT count(*) AS n FROM messages WHERE ${UNINDEXED}`, [searchKeyId]);
    return Number(row.n);
  }

  /** Runs `work` in one transaction: a batch is locked, indexed and written in it. */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * The next messages after `afterId` (in id order) that need indexing, locked until the
   * transaction ends: an edit or a deletion of one waits, so what is written matches the
   * content that is there when it commits.
   */
  lockUnindexed(tx: EntityManager, searchKeyId: string, afterId: string, limit: number): Promise<Unindexed[]> {
    return sql<Unindexed>(
      tx,
      `SELECT id, conversation_id, content_ciphertext, content_key_id FROM messages
        WHERE id > $2 AND ${UNINDEXED} ORDER BY id LIMIT $3 FOR NO KEY UPDATE`,
      [searchKeyId, afterId, limit],
    );
  }

  async writeTokens(tx: EntityManager, searchKeyId: string, rows: Array<{ id: string; tokens: number[] }>): Promise<void> {
    await sql(
      tx,
      `UPDATE messages m SET search_tokens = u.tokens::int[], search_key_id = $1
         FROM unnest($2::uuid[], $3::text[]) AS u(id, tokens) WHERE m.id = u.id`,
      [searchKeyId, rows.map((r) => r.id), rows.map((r) => intArrayLiteral(r.tokens))],
    );
  }
}
