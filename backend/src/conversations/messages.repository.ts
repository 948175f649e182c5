import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { intArrayLiteral, prepared, sql } from '../platform/database/sql';
import type { AttachmentRecord } from '../attachments/attachments.repository';
import type { SystemNotice } from './message.entity';

/** A message as stored. Content is null for a system message and once deleted. */
export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: string;
  event_seq: string;
  sender_id: string;
  client_id: string | null;
  content_ciphertext: Buffer | null;
  content_key_id: string | null;
  created_at: Date;
  kind: 'user' | 'system';
  version: number;
  edited_at: Date | null;
  deleted_at: Date | null;
  system: SystemNotice | null;
  reply_to_id: string | null;
}

/** The message a row replies to, as it is now (null columns when it replies to none). */
export interface ReplyColumns {
  reply_id: string | null;
  reply_sender_id: string | null;
  reply_ciphertext: Buffer | null;
  reply_key_id: string | null;
  reply_deleted_at: Date | null;
}

export interface ReactionSummary {
  emoji: string;
  count: number;
  user_ids: string[];
}

/** A message with what a reader is shown beside it: the message it replies to, its reactions and attachments. */
export type MessageView = MessageRow & ReplyColumns & { reactions: ReactionSummary[] | null; attachments: AttachmentRecord[] | null };

export interface NewMessage {
  id: string;
  conversationId: string;
  senderId: string;
  clientId: string | null;
  ciphertext: Buffer;
  keyId: string;
  replyToId: string | null;
  /** Its blind index (written in the same statement) and the search key that made it. */
  searchTokens: number[];
  searchKeyId: string;
}


/** Why the database refused to store a message. */
export type Refusal = 'not_participant' | 'blocked' | 'blocking' | 'ended';

/** A message the append statement neither stored nor refused: its checks went stale while it waited (it is tried again). */
type Retry = 'retry';

/** A message the append statement refused: its sender may not write in its conversation. */
export class MessageRefused extends Error {
  constructor(readonly refusal: Refusal) {
    super(`message refused: ${refusal}`);
  }
}

export interface DeliveryReceipt {
  conversationId: string;
  userId: string;
  seq: number;
}

/** A change in a conversation's change order: a message's creation, or a later change to it. */
export interface ChangeRow {
  event_seq: string;
  type: 'message' | 'message_updated' | 'message_deleted' | 'conversation_updated';
  message_id: string | null;
}

/** A message locked for a change, with its age by the database's clock (the one that stamped it). */
export type LockedMessage = MessageRow & { age_seconds: number };

export type PageCursor = { before: number } | { after: number } | undefined;

const COLUMNS = `id, conversation_id, seq, event_seq, sender_id, client_id, content_ciphertext, content_key_id, created_at,
  kind, version, edited_at, deleted_at, system, reply_to_id`;

/**
 * Messages as readers see them (`m`): the replied-to message joined as it is now, and the
 * reactions grouped by emoji, largest count first (ties: the earliest first).
 */
const VIEW = `SELECT m.id, m.conversation_id, m.seq, m.event_seq, m.sender_id, m.client_id, m.content_ciphertext,
    m.content_key_id, m.created_at, m.kind, m.version, m.edited_at, m.deleted_at, m.system, m.reply_to_id,
    r.id AS reply_id, r.sender_id AS reply_sender_id, r.content_ciphertext AS reply_ciphertext,
    r.content_key_id AS reply_key_id, r.deleted_at AS reply_deleted_at,
    (SELECT json_agg(json_build_object('emoji', g.emoji, 'count', g.count, 'user_ids', g.user_ids) ORDER BY g.count DESC, g.first_at)
       FROM (SELECT emoji, count(*)::int AS count, array_agg(user_id ORDER BY created_at) AS user_ids, min(created_at) AS first_at
               FROM message_reactions WHERE message_id = m.id GROUP BY emoji) g) AS reactions,
    (SELECT json_agg(json_build_object('id', a.id, 'filename_ciphertext', encode(a.filename_ciphertext, 'base64'), 'key_id', a.key_id,
                                       'content_type', a.content_type, 'size', a.size, 'width', a.width, 'height', a.height,
                                       'thumbnail_size', a.thumbnail_size) ORDER BY a.position)
       FROM attachments a WHERE a.message_id = m.id) AS attachments
  FROM messages m LEFT JOIN messages r ON r.id = m.reply_to_id`;

/**
 * One statement: refuse messages whose sender is no longer a participant, or who blocked or
 * was blocked by the other person of a one-on-one, or whose one-on-one ended (the other
 * account was deleted) (decided by the database as the message is
 * written, whatever a cache says); skip messages whose (sender, client_id) is already
 * stored; lock the conversations in id order (no deadlock between concurrent writers); take
 * a block of sequence numbers and of change numbers (event_seq) per conversation; insert.
 * The conversation row locks are held until commit, so each conversation's messages (and
 * changes) commit in number order: a reader paging with `after` can never skip one still in
 * flight, and numbers have no gaps. Returns the rows stored and, with `refusal` set, the
 * messages refused.
 *
 * A client_id stored by another statement still in flight is invisible to this one's
 * snapshot: the insert then waits for that statement and fails with a unique violation
 * (there is deliberately no ON CONFLICT DO NOTHING, which would skip the row after its
 * numbers were taken and leave a hole in `seq` that every instance would wait on). The
 * whole statement rolls back, so nothing is numbered, and the batch is tried again on a
 * newer snapshot, where the duplicate is seen and skipped.
 *
 * The checks read the statement's snapshot, taken before it waits for the row locks: a
 * removal (or a block) that commits in between would go unseen, and the message would be
 * stored after its sender's member_removed. Such a change moves the conversation's
 * access_version, and the UPDATE below sees the row as it is once locked (PostgreSQL
 * re-checks an updated row's conditions on its newest version): a conversation whose
 * access_version is not the one checked takes no numbers, and its messages come back with
 * `refusal` 'retry', to be checked again by the next statement on a newer snapshot.
 *
 * The attachments reserved for a message (AttachmentsRepository.claim) become its own in the
 * same statement, so a message is never seen without them nor they with no message.
 */
const APPEND_MESSAGES = `WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::bytea[], $6::varchar[], $7::uuid[], $8::int[],
                         $10::text[], $11::varchar[])
      AS t(id, conversation_id, sender_id, client_id, content_ciphertext, content_key_id, reply_to_id, ord, search_tokens, search_key_id)
  ),
  checked AS (
    SELECT i.*, c.access_version AS checked_access, CASE
        WHEN NOT EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = i.conversation_id AND p.user_id = i.sender_id)
          THEN 'not_participant'
        WHEN c.ended_at IS NOT NULL THEN 'ended'
        WHEN c.direct_key IS NOT NULL THEN (
          SELECT CASE WHEN b.blocker_id = i.sender_id THEN 'blocking' ELSE 'blocked' END FROM blocks b
           WHERE b.blocker_id IN (split_part(c.direct_key, ':', 1)::uuid, split_part(c.direct_key, ':', 2)::uuid)
             AND b.blocked_id IN (split_part(c.direct_key, ':', 1)::uuid, split_part(c.direct_key, ':', 2)::uuid)
           LIMIT 1)
      END AS refusal
    FROM input i LEFT JOIN conversations c ON c.id = i.conversation_id
  ),
  fresh AS (
    SELECT DISTINCT ON (COALESCE(i.client_id, i.id::text), i.sender_id) i.* FROM checked i
      WHERE i.refusal IS NULL
        AND (i.client_id IS NULL
          OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.sender_id = i.sender_id AND m.client_id = i.client_id))
      ORDER BY COALESCE(i.client_id, i.id::text), i.sender_id, i.ord
  ),
  counts AS (SELECT conversation_id, count(*)::bigint AS n, min(checked_access) AS checked_access FROM fresh GROUP BY conversation_id),
  locked AS (
    SELECT c.id FROM conversations c
      WHERE c.id = ANY($9::uuid[]) AND c.id IN (SELECT conversation_id FROM counts)
      ORDER BY c.id FOR UPDATE
  ),
  bumped AS (
    UPDATE conversations c
        SET last_seq = c.last_seq + counts.n,
            last_event_seq = c.last_event_seq + counts.n,
            last_message_at = GREATEST(date_trunc('milliseconds', clock_timestamp()), c.last_message_at)
      FROM counts
      WHERE c.id = ANY($9::uuid[]) AND c.id = counts.conversation_id AND c.id IN (SELECT id FROM locked)
        AND c.access_version = counts.checked_access
    RETURNING c.id, c.last_seq, c.last_event_seq, counts.n, c.last_message_at
  ),
  stored AS (
    INSERT INTO messages (id, conversation_id, seq, event_seq, sender_id, client_id, content_ciphertext, content_key_id, created_at, reply_to_id,
                          search_tokens, search_key_id)
    SELECT f.id, f.conversation_id,
            b.last_seq - b.n + row_number() OVER (PARTITION BY f.conversation_id ORDER BY f.ord),
            b.last_event_seq - b.n + row_number() OVER (PARTITION BY f.conversation_id ORDER BY f.ord),
            f.sender_id, f.client_id, f.content_ciphertext, f.content_key_id, b.last_message_at, f.reply_to_id,
            f.search_tokens::int[], f.search_key_id
      FROM fresh f JOIN bumped b ON b.id = f.conversation_id
    RETURNING ${COLUMNS}
  ),
  linked AS (
    UPDATE attachments a SET message_id = s.id, claimed_for = NULL, claimed_at = NULL
      FROM stored s WHERE a.claimed_for = s.id AND a.uploader_id = s.sender_id AND a.message_id IS NULL
    RETURNING a.id
  )
  SELECT *, NULL::text AS refusal FROM stored
  UNION ALL
  SELECT id, conversation_id, NULL, NULL, sender_id, client_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, refusal
    FROM checked WHERE refusal IS NOT NULL
  UNION ALL
  SELECT id, conversation_id, NULL, NULL, sender_id, client_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'retry'
    FROM fresh WHERE conversation_id NOT IN (SELECT id FROM bumped)`;

/** What the append statement answers for a message: stored, refused (`refusal` set), or to be tried again. */
type AppendRow = MessageRow & { refusal: Refusal | Retry | null };

interface Pending {
  message: NewMessage;
  resolve: (row: MessageRow | undefined) => void;
  reject: (e: unknown) => void;
  /** Statements that failed on a client_id stored concurrently by another one. */
  conflicts?: number;
}

/** A batch that met a concurrent duplicate more often than this is stored one message at a time. */
const MAX_CONFLICT_RETRIES = 3;

/** Whether a statement failed because another one stored the same (sender, client_id) meanwhile. */
function isConcurrentDuplicate(error: unknown): boolean {
  const driverError = (error as { driverError?: { code?: string; constraint?: string } } | null)?.driverError;
  return driverError?.code === '23505' && driverError.constraint === 'messages_sender_client_id_key';
}


/** Batches up to this size run as a prepared statement; larger ones are planned each time. */
const PREPARED_BATCH_LIMIT = 8;

/** Messages stored by one statement at most. */
const MAX_BATCH = 500;
/**
 * Statements storing messages at the same time (each on its own pooled connection). Four
 * measured better than one or two under load (bench/RESULTS.md): fewer messages wait for a
 * write in flight, and PostgreSQL's own group commit shares the WAL flushes.
 */
const WRITERS = 4;

@Injectable()
export class MessagesRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  async findByClientId(senderId: string, clientId: string): Promise<MessageView | undefined> {
    const [row] = await prepared<MessageView>(
      this.db,
      'message_by_client_id',
      `${VIEW} WHERE m.sender_id = $1 AND m.client_id = $2`,
      [senderId, clientId],
    );
    return row;
  }

  private queue: Pending[] = [];
  private writers = 0;
  private scheduled = false;

  /**
   * Appends a message at the end of its conversation; resolves once it is committed, or
   * with undefined (storing nothing) when its sender already used its client_id; rejects
   * with MessageRefused when its sender may not write there (any more).
   *
   * Group commit: appends that arrive while the writers are busy are stored together by
   * the next single statement, so under load one round trip and one commit carry many
   * messages, and every caller still hears back only after its message is durable. Up to
   * WRITERS statements run at once, so a message arriving during a write starts its own
   * instead of waiting for that one to finish; two that touch the same conversation meet
   * at its row lock, which keeps its numbers dense and committed in order.
   */
  append(message: NewMessage): Promise<MessageRow | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.schedule();
    });
  }

  /** Starts a writer at the end of this turn (appends of the same turn join its batch). */
  private schedule(): void {
    if (this.scheduled || this.writers >= WRITERS || !this.queue.length) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.write();
    });
  }

  private async write(): Promise<void> {
    if (this.writers >= WRITERS || !this.queue.length) return;
    this.writers += 1;
    const batch = this.queue.splice(0, MAX_BATCH);
    // More waiting than one statement takes: let the next writer start on them now.
    this.schedule();
    try {
      const rows = await this.appendMany(batch.map((b) => b.message));
      const byId = new Map(rows.map((r) => [r.id, r]));
      for (const item of batch) this.settle(item, byId.get(item.message.id));
    } catch (error) {
      if (isConcurrentDuplicate(error) && batch.every((item) => (item.conflicts ?? 0) < MAX_CONFLICT_RETRIES)) {
        // Nothing was stored: try the batch again first, on a snapshot that sees the duplicate.
        for (const item of batch) item.conflicts = (item.conflicts ?? 0) + 1;
        this.queue.unshift(...batch);
      } else if (batch.length === 1) batch[0].reject(error);
      // One bad message must not fail the others: store them one by one.
      else for (const item of batch) await this.storeAlone(item);
    } finally {
      this.writers -= 1;
      this.schedule();
    }
  }

  private async storeAlone(item: Pending): Promise<void> {
    try {
      this.settle(item, (await this.appendMany([item.message]))[0]);
    } catch (error) {
      if (!isConcurrentDuplicate(error)) return item.reject(error);
      // Its duplicate committed meanwhile: this time the statement sees it.
      await this.appendMany([item.message]).then(
        ([row]) => this.settle(item, row),
        (again: unknown) => item.reject(again),
      );
    }
  }

  /**
   * Stored: its row; refused: a MessageRefused; neither: undefined (its client_id was already
   * used). One whose checks went stale goes back to the head of the queue (the writer that
   * ends schedules the next).
   */
  private settle(item: Pending, row: AppendRow | undefined): void {
    if (row?.refusal === 'retry') this.queue.unshift(item);
    else if (row?.refusal) item.reject(new MessageRefused(row.refusal));
    else item.resolve(row);
  }

  private appendMany(messages: NewMessage[]): Promise<AppendRow[]> {
    const params = [
      messages.map((m) => m.id),
      messages.map((m) => m.conversationId),
      messages.map((m) => m.senderId),
      messages.map((m) => m.clientId),
      messages.map((m) => m.ciphertext),
      messages.map((m) => m.keyId),
      messages.map((m) => m.replyToId),
      messages.map((_, i) => i),
      // The batch's conversations again, so that a plan reaches their rows by primary key.
      [...new Set(messages.map((m) => m.conversationId))],
      messages.map((m) => intArrayLiteral(m.searchTokens)),
      messages.map((m) => m.searchKeyId),
    ];
    // A small batch reuses one prepared plan (PostgreSQL's generic plan assumes a handful of
    // rows, and planning would cost as much as running it); a large one is planned for its
    // actual size — the generic plan measured several times slower there under load.
    return messages.length <= PREPARED_BATCH_LIMIT
      ? prepared<AppendRow>(this.db, 'append_messages', APPEND_MESSAGES, params)
      : sql<AppendRow>(this.db, APPEND_MESSAGES, params);
  }

  /** The message a new one would reply to, when it is one of this conversation's that the sender sees. */
  async replyTarget(
    conversationId: string,
    messageId: string,
    senderId: string,
  ): Promise<(ReplyColumns & { kind: MessageRow['kind'] }) | undefined> {
    const [row] = await prepared<ReplyColumns & { kind: MessageRow['kind'] }>(
      this.db,
      'reply_target_seen',
      `SELECT m.id AS reply_id, m.sender_id AS reply_sender_id, m.content_ciphertext AS reply_ciphertext,
              m.content_key_id AS reply_key_id, m.deleted_at AS reply_deleted_at, m.kind
         FROM messages m JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = $3
        WHERE m.conversation_id = $1 AND m.id = $2 AND m.seq >= p.joined_seq`,
      [conversationId, messageId, senderId],
    );
    return row;
  }

  async seqOf(conversationId: string, messageId: string): Promise<number | undefined> {
    const [row] = await prepared<{ seq: string }>(
      this.db,
      'message_seq',
      `SELECT seq FROM messages WHERE conversation_id = $1 AND id = $2`,
      [conversationId, messageId],
    );
    return row ? Number(row.seq) : undefined;
  }

  /**
   * One page in conversation order (oldest first), by keyset on (conversation_id, seq), of
   * the messages from `fromSeq` on (where the reader joined).
   */
  async page(conversationId: string, cursor: PageCursor, limit: number, fromSeq: number): Promise<MessageView[]> {
    if (cursor && 'after' in cursor) {
      return prepared<MessageView>(
        this.db,
        'messages_after_from',
        `${VIEW} WHERE m.conversation_id = $1 AND m.seq > $2 AND m.seq >= $4 ORDER BY m.seq ASC LIMIT $3`,
        [conversationId, cursor.after, limit, fromSeq],
      );
    }
    const rows = await prepared<MessageView>(
      this.db,
      'messages_before_from',
      `${VIEW} WHERE m.conversation_id = $1 AND m.seq < $2 AND m.seq >= $4 ORDER BY m.seq DESC LIMIT $3`,
      [conversationId, cursor ? cursor.before : Number.MAX_SAFE_INTEGER, limit, fromSeq],
    );
    return rows.reverse();
  }

  /**
   * Messages the user wrote in conversations they are no longer in (groups they left or were
   * removed from), oldest first, after the (created_at, id) given — for their export.
   */
  sentOutside(userId: string, after: { createdAt: Date; id: string } | undefined, limit: number): Promise<MessageView[]> {
    return sql<MessageView>(
      this.db,
      `${VIEW} WHERE m.sender_id = $1 AND m.kind = 'user' AND m.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = m.conversation_id AND p.user_id = $1)
          AND (m.created_at, m.id) > ($2::timestamptz, $3::uuid)
        ORDER BY m.created_at, m.id LIMIT $4`,
      [userId, after?.createdAt ?? new Date(0), after?.id ?? '00000000-0000-0000-0000-000000000000', limit],
    );
  }

  /**
   * Records that users have received their conversations' messages up to the given
   * sequence numbers, in one statement; returns the watermarks that moved.
   */
  markDelivered(receipts: DeliveryReceipt[]): Promise<Array<DeliveryReceipt & { at: Date }>> {
    if (!receipts.length) return Promise.resolve([]);
    return prepared<DeliveryReceipt & { at: Date }>(
      this.db,
      'mark_delivered',
      `UPDATE participants p
          SET last_delivered_seq = r.seq, last_delivered_timestamp = date_trunc('milliseconds', clock_timestamp())
         FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS r(conversation_id, user_id, seq)
        WHERE p.conversation_id = r.conversation_id AND p.user_id = r.user_id AND p.last_delivered_seq < r.seq
        RETURNING p.conversation_id AS "conversationId", p.user_id AS "userId", r.seq::int AS seq,
                  p.last_delivered_timestamp AS at`,
      [receipts.map((r) => r.conversationId), receipts.map((r) => r.userId), receipts.map((r) => r.seq)],
    );
  }

  /** These messages, as readers see them (in no particular order); inside a transaction, pass its manager. */
  views(messageIds: string[], manager: EntityManager = this.db): Promise<MessageView[]> {
    if (!messageIds.length) return Promise.resolve([]);
    return prepared<MessageView>(manager, 'message_views', `${VIEW} WHERE m.id = ANY($1::uuid[])`, [messageIds]);
  }

  /**
   * The conversation's changes with afterEventSeq < event_seq < beforeEventSeq, oldest
   * first, at most `limit`: messages' creations and the changes recorded after them —
   * only those about messages from `fromSeq` on (where a member added later joined), so that
   * a page is never cut short by changes its reader may not see.
   */
  changes(conversationId: string, afterEventSeq: number, beforeEventSeq: number, limit: number, fromSeq = 0): Promise<ChangeRow[]> {
    return prepared<ChangeRow>(
      this.db,
      'conversation_change_feed',
      `SELECT * FROM (
         (SELECT event_seq, 'message' AS type, id AS message_id FROM messages
           WHERE conversation_id = $1 AND event_seq > $2 AND event_seq < $3 AND seq >= $5 ORDER BY event_seq LIMIT $4)
         UNION ALL
         (SELECT ch.event_seq, ch.type, ch.message_id FROM conversation_changes ch LEFT JOIN messages m ON m.id = ch.message_id
           WHERE ch.conversation_id = $1 AND ch.event_seq > $2 AND ch.event_seq < $3 AND (m.seq IS NULL OR m.seq >= $5)
           ORDER BY ch.event_seq LIMIT $4)
       ) changes ORDER BY event_seq LIMIT $4`,
      [conversationId, afterEventSeq, beforeEventSeq, limit, fromSeq],
    );
  }

  /** Runs `work` in one transaction: the changes below take their locks in it. */
  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  /**
   * The message, locked against other changes until the transaction ends. NO KEY UPDATE:
   * a concurrent reply to it (whose foreign key takes KEY SHARE) is not blocked, so a writer
   * holding its conversation's row lock never waits for this one.
   */
  async lock(tx: EntityManager, conversationId: string, messageId: string): Promise<LockedMessage | undefined> {
    const [row] = await sql<LockedMessage>(
      tx,
      `SELECT ${COLUMNS}, EXTRACT(EPOCH FROM clock_timestamp() - created_at)::float8 AS age_seconds
         FROM messages WHERE conversation_id = $1 AND id = $2 FOR NO KEY UPDATE`,
      [conversationId, messageId],
    );
    return row;
  }

  /**
   * Takes the conversation's next change number (under its row lock, so changes commit in
   * number order, as messages do) and records the change; returns its number.
   */
  async recordChange(
    tx: EntityManager,
    conversationId: string,
    type: 'message_updated' | 'message_deleted' | 'conversation_updated',
    messageId: string | null,
  ): Promise<number> {
    const [row] = await sql<{ event_seq: string }>(
      tx,
      `WITH taken AS (
         UPDATE conversations SET last_event_seq = last_event_seq + 1 WHERE id = $1 RETURNING last_event_seq
       )
       INSERT INTO conversation_changes (conversation_id, event_seq, type, message_id)
       SELECT $1, last_event_seq, $2, $3 FROM taken RETURNING event_seq`,
      [conversationId, type, messageId],
    );
    return Number(row.event_seq);
  }

  /**
   * Writes a system message — the timeline's record of a change to the conversation itself —
   * at the conversation's next position and change number. The caller holds its row lock.
   */
  async appendSystemMessage(tx: EntityManager, conversationId: string, actorId: string, notice: SystemNotice): Promise<MessageRow> {
    const [row] = await sql<MessageRow>(
      tx,
      `WITH bumped AS (
         UPDATE conversations
            SET last_seq = last_seq + 1, last_event_seq = last_event_seq + 1,
                last_message_at = GREATEST(date_trunc('milliseconds', clock_timestamp()), last_message_at)
          WHERE id = $1
         RETURNING last_seq, last_event_seq, last_message_at
       )
       INSERT INTO messages (id, conversation_id, seq, event_seq, sender_id, kind, system, created_at)
       SELECT gen_random_uuid(), $1, last_seq, last_event_seq, $2, 'system', $3::jsonb, last_message_at FROM bumped
       RETURNING ${COLUMNS}`,
      [conversationId, actorId, JSON.stringify(notice)],
    );
    return row;
  }

  /** Replaces the content and its search index (the old ciphertext and tokens are overwritten, not kept) and counts the edit. */
  async overwriteContent(
    tx: EntityManager,
    messageId: string,
    content: { ciphertext: Buffer; keyId: string; searchTokens: number[]; searchKeyId: string },
  ): Promise<void> {
    await sql(
      tx,
      `UPDATE messages SET content_ciphertext = $2, content_key_id = $3, search_tokens = $4::int[], search_key_id = $5,
              version = version + 1, edited_at = date_trunc('milliseconds', clock_timestamp())
        WHERE id = $1`,
      [messageId, content.ciphertext, content.keyId, content.searchTokens, content.searchKeyId],
    );
  }

  /** Leaves a tombstone: the content, its search index, the reply link and every reaction are gone. */
  async tombstone(tx: EntityManager, messageId: string): Promise<void> {
    await sql(tx, `DELETE FROM message_reactions WHERE message_id = $1`, [messageId]);
    await sql(
      tx,
      `UPDATE messages SET content_ciphertext = NULL, content_key_id = NULL, search_tokens = NULL, search_key_id = NULL,
              reply_to_id = NULL, version = version + 1,
              deleted_at = date_trunc('milliseconds', clock_timestamp())
        WHERE id = $1`,
      [messageId],
    );
  }

  /** Sets the user's reaction (replacing another emoji); false when it already was this one. */
  async setReaction(tx: EntityManager, messageId: string, userId: string, emoji: string): Promise<boolean> {
    const rows = await sql(
      tx,
      `INSERT INTO message_reactions (message_id, user_id, emoji) VALUES ($1, $2, $3)
       ON CONFLICT (message_id, user_id) DO UPDATE
          SET emoji = EXCLUDED.emoji, created_at = date_trunc('milliseconds', clock_timestamp())
        WHERE message_reactions.emoji <> EXCLUDED.emoji
       RETURNING 1`,
      [messageId, userId, emoji],
    );
    return rows.length > 0;
  }

  /** Removes the user's reaction; false when there was none. */
  async removeReaction(tx: EntityManager, messageId: string, userId: string): Promise<boolean> {
    const rows = await sql(tx, `DELETE FROM message_reactions WHERE message_id = $1 AND user_id = $2 RETURNING 1`, [messageId, userId]);
    return rows.length > 0;
  }

  async countVersion(tx: EntityManager, messageId: string): Promise<void> {
    await sql(tx, `UPDATE messages SET version = version + 1 WHERE id = $1`, [messageId]);
  }
}
