import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { prepared, sql } from '../platform/database/sql';
import type { Watermarks } from './message-status';
import type { Role } from './participant.entity';

export type Access = 'participant' | 'forbidden' | 'missing';

/** A participant as the rules see them: role, where they joined, and their watermarks. */
export interface Member extends Watermarks {
  role: Role;
  /** The first message they see (their `member_added`; 0 for founders). */
  joinedSeq: number;
  /** The first change they see. */
  joinedEventSeq: number;
}

/** Where a user's connection starts following a conversation, and from where it may see it. */
export interface Position {
  lastEventSeq: number;
  joinedSeq: number;
  joinedEventSeq: number;
}

/** A conversation locked for a change of its own (name, membership, roles). */
export interface LockedConversation {
  id: string;
  is_group_chat: boolean;
  name: string | null;
}

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
  deleted_at: Date | null;
  last_read_seq: string;
  last_delivered_seq: string;
  role: Role;
  /** This participant blocked the viewer: their presence is hidden from them. */
  blocked_viewer: boolean;
}

/** SQL for conversations and membership. Each method is one round trip unless it says otherwise. */
@Injectable()
export class ConversationsRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  /** Whether the user is in the conversation; a group whose last member left is one nobody sees ('missing'). */
  async access(conversationId: string, userId: string): Promise<Access> {
    const [row] = await prepared<{ member: boolean }>(
      this.db,
      'conversation_access',
      `SELECT EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = $2) AS member
         FROM conversations c WHERE c.id = $1 AND EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id)`,
      [conversationId, userId],
    );
    if (!row) return 'missing';
    return row.member ? 'participant' : 'forbidden';
  }

  /**
   * The user's place in the conversation; undefined when it does not exist (or nobody is in
   * it), null when they are not in it. Inside a transaction, pass its manager.
   */
  async membership(
    conversationId: string,
    userId: string,
    manager: EntityManager = this.db,
  ): Promise<Pick<Member, 'role' | 'joinedSeq' | 'joinedEventSeq'> | null | undefined> {
    const [row] = await prepared<{ role: Role | null; joined_seq: string | null; joined_event_seq: string | null }>(
      manager,
      'conversation_membership',
      `SELECT p.role, p.joined_seq, p.joined_event_seq
         FROM conversations c LEFT JOIN participants p ON p.conversation_id = c.id AND p.user_id = $2
        WHERE c.id = $1 AND EXISTS (SELECT 1 FROM participants x WHERE x.conversation_id = c.id)`,
      [conversationId, userId],
    );
    if (!row) return undefined;
    if (!row.role) return null;
    return { role: row.role, joinedSeq: Number(row.joined_seq), joinedEventSeq: Number(row.joined_event_seq) };
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

  /** One conversation as nobody in particular sees it (no unread count): for announcing a change to everyone. */
  async summary(conversationId: string): Promise<ConversationSummaryRow | undefined> {
    const [row] = await sql<ConversationSummaryRow>(
      this.db,
      `SELECT c.id, c.name, c.is_group_chat, c.created_at, c.last_message_at, c.last_event_seq, 0 AS unread_count,
              (SELECT m.id FROM messages m WHERE m.conversation_id = c.id ORDER BY m.seq DESC LIMIT 1) AS last_message_id
         FROM conversations c WHERE c.id = $1`,
      [conversationId],
    );
    return row;
  }

  /**
   * Every participant of the given conversations, with public profile, role and watermarks,
   * and whether they blocked `viewerId` (who then does not see their presence).
   */
  participants(conversationIds: string[], viewerId: string): Promise<ParticipantRow[]> {
    if (!conversationIds.length) return Promise.resolve([]);
    return sql<ParticipantRow>(
      this.db,
      `SELECT p.conversation_id, p.user_id, u.username, u.full_name, u.avatar_url, u.last_seen_at, u.deleted_at,
              p.last_read_seq, p.last_delivered_seq, p.role,
              EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = p.user_id AND b.blocked_id = $2) AS blocked_viewer
         FROM participants p JOIN users u ON u.id = p.user_id
        WHERE p.conversation_id = ANY($1::uuid[])
        ORDER BY p.conversation_id, p.joined_at, lower(u.username)`,
      [conversationIds, viewerId],
    );
  }

  /** Unread messages per participant (what each one's list shows for this conversation). */
  async unreadCounts(conversationId: string): Promise<Map<string, number>> {
    const rows = await sql<{ user_id: string; unread: number }>(
      this.db,
      `SELECT p.user_id,
              (SELECT count(*)::int FROM messages m
                WHERE m.conversation_id = p.conversation_id AND m.seq > p.last_read_seq AND m.sender_id <> p.user_id
                  AND m.kind = 'user' AND m.deleted_at IS NULL) AS unread
         FROM participants p WHERE p.conversation_id = $1`,
      [conversationId],
    );
    return new Map(rows.map((r) => [r.user_id, r.unread]));
  }

  /** Pairs (viewer, participant) of this conversation where the participant blocked the viewer. */
  async blockedViewers(conversationId: string): Promise<Map<string, string[]>> {
    const rows = await sql<{ viewer_id: string; hidden_id: string }>(
      this.db,
      `SELECT b.blocked_id AS viewer_id, b.blocker_id AS hidden_id
         FROM blocks b
         JOIN participants viewer ON viewer.user_id = b.blocked_id AND viewer.conversation_id = $1
         JOIN participants hidden ON hidden.user_id = b.blocker_id AND hidden.conversation_id = $1`,
      [conversationId],
    );
    const byViewer = new Map<string, string[]>();
    for (const r of rows) byViewer.set(r.viewer_id, [...(byViewer.get(r.viewer_id) ?? []), r.hidden_id]);
    return byViewer;
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

  /**
   * A conversation's participants, longest-standing first: by where they joined the timeline
   * (founders at 0, then each by their member_added), not by the clock — two members added at
   * the same millisecond, or by transactions that began in the other order, are still in the
   * order of their notices. Roles, where each joined, watermarks (none when it does not exist).
   */
  async members(conversationId: string, manager: EntityManager = this.db): Promise<Member[]> {
    const rows = await prepared<{
      user_id: string;
      role: Role;
      last_read_seq: string;
      last_delivered_seq: string;
      joined_seq: string;
      joined_event_seq: string;
    }>(
      manager,
      'conversation_members',
      `SELECT user_id, role, last_read_seq, last_delivered_seq, joined_seq, joined_event_seq
         FROM participants WHERE conversation_id = $1 ORDER BY joined_seq, joined_at, user_id`,
      [conversationId],
    );
    return rows.map((r) => ({
      userId: r.user_id,
      role: r.role,
      readSeq: Number(r.last_read_seq),
      deliveredSeq: Number(r.last_delivered_seq),
      joinedSeq: Number(r.joined_seq),
      joinedEventSeq: Number(r.joined_event_seq),
    }));
  }

  /** The user's conversations (or the one given) with where they stand in each. */
  async positions(userId: string, onlyConversationId?: string): Promise<Map<string, Position>> {
    const positions = `SELECT c.id, c.last_event_seq, p.joined_seq, p.joined_event_seq
         FROM participants p JOIN conversations c ON c.id = p.conversation_id
        WHERE p.user_id = $1`;
    type Row = { id: string; last_event_seq: string; joined_seq: string; joined_event_seq: string };
    // Every socket runs one of these as it opens: two prepared statements, one plan each.
    const rows = onlyConversationId
      ? await prepared<Row>(this.db, 'conversation_member_position', `${positions} AND c.id = $2`, [userId, onlyConversationId])
      : await prepared<Row>(this.db, 'conversation_member_positions', positions, [userId]);
    return new Map(
      rows.map((r) => [r.id, { lastEventSeq: Number(r.last_event_seq), joinedSeq: Number(r.joined_seq), joinedEventSeq: Number(r.joined_event_seq) }]),
    );
  }

  /** The newest change of each of these conversations (those that exist). */
  async heads(conversationIds: string[]): Promise<Map<string, number>> {
    const rows = await sql<{ id: string; last_event_seq: string }>(
      this.db,
      `SELECT id, last_event_seq FROM conversations WHERE id = ANY($1::uuid[])`,
      [conversationIds],
    );
    return new Map(rows.map((r) => [r.id, Number(r.last_event_seq)]));
  }

  /** The conversations of these users, each with where the user stands in it. */
  async membershipsOf(userIds: string[]): Promise<Array<{ userId: string; conversationId: string; position: Position }>> {
    const rows = await sql<{ user_id: string; id: string; last_event_seq: string; joined_seq: string; joined_event_seq: string }>(
      this.db,
      `SELECT p.user_id, c.id, c.last_event_seq, p.joined_seq, p.joined_event_seq
         FROM participants p JOIN conversations c ON c.id = p.conversation_id
        WHERE p.user_id = ANY($1::uuid[])`,
      [userIds],
    );
    return rows.map((r) => ({
      userId: r.user_id,
      conversationId: r.id,
      position: { lastEventSeq: Number(r.last_event_seq), joinedSeq: Number(r.joined_seq), joinedEventSeq: Number(r.joined_event_seq) },
    }));
  }

  /** The groups the user is a member of. */
  async groupIdsOf(userId: string): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      this.db,
      `SELECT c.id FROM participants p JOIN conversations c ON c.id = p.conversation_id WHERE p.user_id = $1 AND c.is_group_chat ORDER BY c.id`,
      [userId],
    );
    return rows.map((r) => r.id);
  }

  /** Ends the user's one-on-ones still open, locked in id order (as appends lock them); their ids. */
  async endDirectConversationsOf(tx: EntityManager, userId: string): Promise<string[]> {
    const rows = await sql<{ id: string }>(
      tx,
      `WITH mine AS (
         SELECT c.id FROM participants p JOIN conversations c ON c.id = p.conversation_id
          WHERE p.user_id = $1 AND NOT c.is_group_chat AND c.ended_at IS NULL
          ORDER BY c.id FOR UPDATE OF c)
       UPDATE conversations SET ended_at = date_trunc('milliseconds', now()), access_version = access_version + 1
        WHERE id IN (SELECT id FROM mine) RETURNING id`,
      [userId],
    );
    return rows.map((r) => r.id).sort();
  }

  /** Locks the conversation for a change to itself; its appends and changes wait, and wait for it. */
  async lock(tx: EntityManager, conversationId: string): Promise<LockedConversation | undefined> {
    const [row] = await sql<LockedConversation>(tx, `SELECT id, is_group_chat, name FROM conversations WHERE id = $1 FOR UPDATE`, [
      conversationId,
    ]);
    return row;
  }

  async rename(tx: EntityManager, conversationId: string, name: string): Promise<void> {
    await sql(tx, `UPDATE conversations SET name = $2 WHERE id = $1`, [conversationId, name]);
  }

  /**
   * Adds members who see the conversation from `joinedSeq` (their `member_added`) on; their
   * watermarks start there, so no earlier message counts as unread, undelivered or unread by them.
   */
  async addMembers(tx: EntityManager, conversationId: string, userIds: string[], joinedSeq: number, joinedEventSeq: number): Promise<void> {
    await sql(
      tx,
      `INSERT INTO participants (conversation_id, user_id, role, joined_seq, joined_event_seq,
                                 last_read_seq, last_read_timestamp, last_delivered_seq, last_delivered_timestamp)
       SELECT $1, unnest($2::uuid[]), 'member', $3, $4, $3, date_trunc('milliseconds', now()), $3, date_trunc('milliseconds', now())`,
      [conversationId, userIds, joinedSeq, joinedEventSeq],
    );
  }

  /** Removes a member; messages of theirs still waiting for the conversation's lock are checked again (access_version). */
  async removeMember(tx: EntityManager, conversationId: string, userId: string): Promise<void> {
    await sql(
      tx,
      `WITH gone AS (DELETE FROM participants WHERE conversation_id = $1 AND user_id = $2 RETURNING conversation_id)
       UPDATE conversations SET access_version = access_version + 1 WHERE id IN (SELECT conversation_id FROM gone)`,
      [conversationId, userId],
    );
  }

  async setRole(tx: EntityManager, conversationId: string, userId: string, role: Role): Promise<void> {
    await sql(tx, `UPDATE participants SET role = $3 WHERE conversation_id = $1 AND user_id = $2`, [conversationId, userId, role]);
  }

  /** The one-on-one conversation of two users, if they have one. */
  async findDirect(callerId: string, otherId: string): Promise<string | undefined> {
    const [row] = await sql<{ id: string }>(this.db, `SELECT id FROM conversations WHERE direct_key = $1`, [[callerId, otherId].sort().join(':')]);
    return row?.id;
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

  /** A new group: its creator is the owner, the others members. */
  createGroup(callerId: string, memberIds: string[], name: string): Promise<string> {
    return this.db.transaction(async (tx) => {
      const [row] = await sql<{ id: string }>(
        tx,
        `INSERT INTO conversations (name, is_group_chat, created_by) VALUES ($1, true, $2) RETURNING id`,
        [name, callerId],
      );
      await this.addParticipants(tx, row.id, [callerId, ...memberIds]);
      await this.setRole(tx, row.id, callerId, 'owner');
      return row.id;
    });
  }

  /**
   * Moves the reader's read (and so delivered) watermark to the newest message, or to message
   * `upToSeq` when given (the newest the reader has seen; never past the newest message). The
   * share lock on the conversation waits for a message being appended to commit, so the new
   * watermark never covers a message the reader could not yet see. A read up to the newest
   * message is timed now, as v1 did; a read stopping short is timed at the message it stops
   * at, so "read" by timestamp (`last_read_timestamp` ≥ `created_at`) covers no later one.
   * Watermarks never go back. Undefined when the reader is not (any more) a participant.
   */
  markRead(
    conversationId: string,
    userId: string,
    upToSeq?: number,
  ): Promise<{ last_read_timestamp: Date; last_read_seq: string } | undefined> {
    return this.db.transaction(async (tx) => {
      await sql(tx, `SELECT 1 FROM conversations WHERE id = $1 FOR SHARE`, [conversationId]);
      const [row] = await sql<{ last_read_timestamp: Date; last_read_seq: string }>(
        tx,
        `WITH target AS (
           SELECT c.id, LEAST(c.last_seq, COALESCE($3::bigint, c.last_seq)) AS seq,
                  CASE WHEN COALESCE($3::bigint, c.last_seq) >= c.last_seq THEN date_trunc('milliseconds', clock_timestamp())
                       ELSE (SELECT m.created_at FROM messages m WHERE m.conversation_id = c.id AND m.seq <= $3::bigint
                              ORDER BY m.seq DESC LIMIT 1) END AS at
             FROM conversations c WHERE c.id = $1)
         UPDATE participants p
            SET last_read_seq = GREATEST(p.last_read_seq, t.seq),
                last_read_timestamp = GREATEST(p.last_read_timestamp, t.at),
                last_delivered_seq = GREATEST(p.last_delivered_seq, t.seq),
                last_delivered_timestamp = CASE WHEN t.seq > p.last_delivered_seq
                  THEN date_trunc('milliseconds', clock_timestamp()) ELSE p.last_delivered_timestamp END
           FROM target t
          WHERE t.id = p.conversation_id AND p.conversation_id = $1 AND p.user_id = $2
          RETURNING p.last_read_timestamp, p.last_read_seq`,
        [conversationId, userId, upToSeq ?? null],
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
