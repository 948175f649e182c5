import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { prepared, sql } from '../platform/database/sql';
import type { Watermarks } from './message-status';

export type Access = 'participant' | 'forbidden' | 'missing';

export interface ConversationSummaryRow {
  id: string;
  name: string | null;
  is_group_chat: boolean;
  created_at: Date;
  last_message_at: Date | null;
  last_event_seq: string;
  unread_count: number;
  /** The newest message's id (its content is read with MessagesRepository.views). */
  last_message_id: string | null;
}

export interface ParticipantRow {
  conversation_id: string;
  user_id: string;
  username: string;
  full_name: string | null;
  avatar_url: string | null;
  last_seen_at: Date | null;
  last_read_seq: string;
  last_delivered_seq: string;
}

/** SQL for conversations and membership. Each method is one round trip unless it says otherwise. */
@Injectable()
export class ConversationsRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  async access(conversationId: string, userId: string): Promise<Access> {
    const [row] = await prepared<{ member: boolean }>(
      this.db,
      'conversation_access',
      `SELECT EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = $2) AS member
         FROM conversations c WHERE c.id = $1`,
      [conversationId, userId],
    );
    if (!row) return 'missing';
    return row.member ? 'participant' : 'forbidden';
  }

  /**
   * The caller's conversations, most recent activity first, each with its newest message's
   * id and the caller's unread count (messages from others, not deleted): one query however
   * many conversations there are.
   */
  summaries(userId: string, onlyConversationId?: string): Promise<ConversationSummaryRow[]> {
    return sql<ConversationSummaryRow>(
      this.db,
      `SELECT c.id, c.name, c.is_group_chat, c.created_at, c.last_message_at, c.last_event_seq,
              (SELECT count(*)::int FROM messages m
                WHERE m.conversation_id = c.id AND m.seq > me.last_read_seq AND m.sender_id <> $1
                  AND m.kind = 'user' AND m.deleted_at IS NULL) AS unread_count,
              (SELECT m.id FROM messages m WHERE m.conversation_id = c.id ORDER BY m.seq DESC LIMIT 1) AS last_message_id
         FROM participants me
         JOIN conversations c ON c.id = me.conversation_id
        WHERE me.user_id = $1 AND ($2::uuid IS NULL OR c.id = $2::uuid)
        ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id`,
      [userId, onlyConversationId ?? null],
    );
  }

  /** Every participant of the given conversations, with public profile and watermarks. */
  participants(conversationIds: string[]): Promise<ParticipantRow[]> {
    if (!conversationIds.length) return Promise.resolve([]);
    return sql<ParticipantRow>(
      this.db,
      `SELECT p.conversation_id, p.user_id, u.username, u.full_name, u.avatar_url, u.last_seen_at,
              p.last_read_seq, p.last_delivered_seq
         FROM participants p JOIN users u ON u.id = p.user_id
        WHERE p.conversation_id = ANY($1::uuid[])
        ORDER BY p.conversation_id, p.joined_at, lower(u.username)`,
      [conversationIds],
    );
  }

  async lastEventSeq(conversationId: string): Promise<number> {
    const [row] = await prepared<{ last_event_seq: string }>(
      this.db,
      'conversation_last_event_seq',
      `SELECT last_event_seq FROM conversations WHERE id = $1`,
      [conversationId],
    );
    return Number(row?.last_event_seq ?? 0);
  }

  /** The ids of a conversation's participants (none when it does not exist). */
  async participantIds(conversationId: string): Promise<string[]> {
    const rows = await prepared<{ user_id: string }>(
      this.db,
      'participant_ids',
      `SELECT user_id FROM participants WHERE conversation_id = $1`,
      [conversationId],
    );
    return rows.map((r) => r.user_id);
  }

  async watermarks(conversationId: string, manager: EntityManager = this.db): Promise<Watermarks[]> {
    const rows = await prepared<{ user_id: string; last_read_seq: string; last_delivered_seq: string }>(
      manager,
      'participant_watermarks',
      `SELECT user_id, last_read_seq, last_delivered_seq FROM participants WHERE conversation_id = $1`,
      [conversationId],
    );
    return rows.map((r) => ({ userId: r.user_id, readSeq: Number(r.last_read_seq), deliveredSeq: Number(r.last_delivered_seq) }));
  }

  /** The user's conversations with the change number (event_seq) of each one's newest change. */
  async positions(userId: string, onlyConversationId?: string): Promise<Map<string, number>> {
    const positions = `SELECT c.id, c.last_event_seq FROM participants p JOIN conversations c ON c.id = p.conversation_id
        WHERE p.user_id = $1`;
    // Every socket runs one of these as it opens: two prepared statements, one plan each.
    const rows = onlyConversationId
      ? await prepared<{ id: string; last_event_seq: string }>(this.db, 'conversation_event_position', `${positions} AND c.id = $2`, [userId, onlyConversationId])
      : await prepared<{ id: string; last_event_seq: string }>(this.db, 'conversation_event_positions', positions, [userId]);
    return new Map(rows.map((r) => [r.id, Number(r.last_event_seq)]));
  }

  /**
   * Creates the one-on-one conversation of two users, or finds it: the unique index on
   * direct_key makes a concurrent second create wait for the first and then find it.
   */
  async findOrCreateDirect(callerId: string, otherId: string): Promise<{ id: string; created: boolean }> {
    const directKey = [callerId, otherId].sort().join(':');
    const created = await this.db.transaction(async (tx) => {
      const [row] = await sql<{ id: string }>(
        tx,
        `INSERT INTO conversations (name, is_group_chat, direct_key, created_by) VALUES (NULL, false, $1, $2)
         ON CONFLICT (direct_key) WHERE direct_key IS NOT NULL DO NOTHING RETURNING id`,
        [directKey, callerId],
      );
      if (row) await this.addParticipants(tx, row.id, [callerId, otherId]);
      return row?.id;
    });
    if (created) return { id: created, created: true };
    const [existing] = await sql<{ id: string }>(this.db, `SELECT id FROM conversations WHERE direct_key = $1`, [directKey]);
    return { id: existing.id, created: false };
  }

  createGroup(callerId: string, memberIds: string[], name: string): Promise<string> {
    return this.db.transaction(async (tx) => {
      const [row] = await sql<{ id: string }>(
        tx,
        `INSERT INTO conversations (name, is_group_chat, created_by) VALUES ($1, true, $2) RETURNING id`,
        [name, callerId],
      );
      await this.addParticipants(tx, row.id, [callerId, ...memberIds]);
      return row.id;
    });
  }

  /**
   * Moves the reader's read (and so delivered) watermark to the newest message. The share
   * lock on the conversation waits for a message being appended to commit, so the new
   * watermark never covers a message the reader could not yet see.
   */
  markRead(conversationId: string, userId: string): Promise<{ last_read_timestamp: Date; last_read_seq: string }> {
    return this.db.transaction(async (tx) => {
      await sql(tx, `SELECT 1 FROM conversations WHERE id = $1 FOR SHARE`, [conversationId]);
      const [row] = await sql<{ last_read_timestamp: Date; last_read_seq: string }>(
        tx,
        `UPDATE participants p
            SET last_read_seq = GREATEST(p.last_read_seq, c.last_seq),
                last_read_timestamp = GREATEST(p.last_read_timestamp, date_trunc('milliseconds', clock_timestamp())),
                last_delivered_seq = GREATEST(p.last_delivered_seq, c.last_seq),
                last_delivered_timestamp = CASE WHEN c.last_seq > p.last_delivered_seq
                  THEN date_trunc('milliseconds', clock_timestamp()) ELSE p.last_delivered_timestamp END
           FROM conversations c
          WHERE c.id = p.conversation_id AND p.conversation_id = $1 AND p.user_id = $2
          RETURNING p.last_read_timestamp, p.last_read_seq`,
        [conversationId, userId],
      );
      return row;
    });
  }

  private async addParticipants(tx: EntityManager, conversationId: string, userIds: string[]): Promise<void> {
    await sql(
      tx,
      `INSERT INTO participants (conversation_id, user_id) SELECT $1, unnest($2::uuid[])`,
      [conversationId, userIds],
    );
  }
}
