import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { prepared, sql } from '../platform/database/sql';

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: string;
  event_seq: string;
  sender_id: string;
  client_id: string | null;
  content_ciphertext: Buffer;
  content_key_id: string;
  created_at: Date;
}

export interface NewMessage {
  id: string;
  conversationId: string;
  senderId: string;
  clientId: string | null;
  ciphertext: Buffer;
  keyId: string;
}

export interface DeliveryReceipt {
  conversationId: string;
  userId: string;
  seq: number;
}

export type PageCursor = { before: number } | { after: number } | undefined;

const COLUMNS = `id, conversation_id, seq, event_seq, sender_id, client_id, content_ciphertext, content_key_id, created_at`;

/**
 * One statement: skip messages whose (sender, client_id) is already stored, lock the
 * conversations in id order (no deadlock between concurrent writers), take a block of
 * sequence numbers and of change numbers (event_seq) per conversation, insert. The
 * conversation row locks are held until commit, so each conversation's messages (and
 * changes) commit in number order: a reader paging with `after` can never skip one
 * still in flight, and numbers have no gaps.
 */
const APPEND_MESSAGES = `WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::bytea[], $6::varchar[], $7::int[])
      AS t(id, conversation_id, sender_id, client_id, content_ciphertext, content_key_id, ord)
  ),
  fresh AS (
    SELECT DISTINCT ON (COALESCE(i.client_id, i.id::text), i.sender_id) i.* FROM input i
      WHERE i.client_id IS NULL
        OR NOT EXISTS (SELECT 1 FROM messages m WHERE m.sender_id = i.sender_id AND m.client_id = i.client_id)
      ORDER BY COALESCE(i.client_id, i.id::text), i.sender_id, i.ord
  ),
  counts AS (SELECT conversation_id, count(*)::bigint AS n FROM fresh GROUP BY conversation_id),
  locked AS (
    SELECT c.id FROM conversations c
      WHERE c.id = ANY($8::uuid[]) AND c.id IN (SELECT conversation_id FROM counts)
      ORDER BY c.id FOR UPDATE
  ),
  bumped AS (
    UPDATE conversations c
        SET last_seq = c.last_seq + counts.n,
            last_event_seq = c.last_event_seq + counts.n,
            last_message_at = GREATEST(date_trunc('milliseconds', clock_timestamp()), c.last_message_at)
      FROM counts
      WHERE c.id = ANY($8::uuid[]) AND c.id = counts.conversation_id AND c.id IN (SELECT id FROM locked)
    RETURNING c.id, c.last_seq, c.last_event_seq, counts.n, c.last_message_at
  )
  INSERT INTO messages (${COLUMNS})
  SELECT f.id, f.conversation_id,
          b.last_seq - b.n + row_number() OVER (PARTITION BY f.conversation_id ORDER BY f.ord),
          b.last_event_seq - b.n + row_number() OVER (PARTITION BY f.conversation_id ORDER BY f.ord),
          f.sender_id, f.client_id, f.content_ciphertext, f.content_key_id, b.last_message_at
    FROM fresh f JOIN bumped b ON b.id = f.conversation_id
  ON CONFLICT (sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
  RETURNING ${COLUMNS}`;

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

  async findByClientId(senderId: string, clientId: string): Promise<MessageRow | undefined> {
    const [row] = await prepared<MessageRow>(
      this.db,
      'message_by_client_id',
      `SELECT ${COLUMNS} FROM messages WHERE sender_id = $1 AND client_id = $2`,
      [senderId, clientId],
    );
    return row;
  }

  private queue: Array<{ message: NewMessage; resolve: (row: MessageRow | undefined) => void; reject: (e: unknown) => void }> = [];
  private writers = 0;
  private scheduled = false;

  /**
   * Appends a message at the end of its conversation; resolves once it is committed, or
   * with undefined (storing nothing) when its sender already used its client_id.
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
      for (const { message, resolve } of batch) resolve(byId.get(message.id));
    } catch (error) {
      if (batch.length === 1) batch[0].reject(error);
      // One bad message must not fail the others: store them one by one.
      else for (const item of batch) await this.storeAlone(item);
    } finally {
      this.writers -= 1;
      this.schedule();
    }
  }

  private async storeAlone(item: (typeof this.queue)[number]): Promise<void> {
    try {
      item.resolve((await this.appendMany([item.message]))[0]);
    } catch (error) {
      item.reject(error);
    }
  }

  private appendMany(messages: NewMessage[]): Promise<MessageRow[]> {
    const params = [
      messages.map((m) => m.id),
      messages.map((m) => m.conversationId),
      messages.map((m) => m.senderId),
      messages.map((m) => m.clientId),
      messages.map((m) => m.ciphertext),
      messages.map((m) => m.keyId),
      messages.map((_, i) => i),
      // The batch's conversations again, so that a plan reaches their rows by primary key.
      [...new Set(messages.map((m) => m.conversationId))],
    ];
    // A small batch reuses one prepared plan (PostgreSQL's generic plan assumes a handful of
    // rows, and planning would cost as much as running it); a large one is planned for its
    // actual size — the generic plan measured several times slower there under load.
    return messages.length <= PREPARED_BATCH_LIMIT
      ? prepared<MessageRow>(this.db, 'append_messages', APPEND_MESSAGES, params)
      : sql<MessageRow>(this.db, APPEND_MESSAGES, params);
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

  /** One page in conversation order (oldest first), by keyset on (conversation_id, seq). */
  async page(conversationId: string, cursor: PageCursor, limit: number): Promise<MessageRow[]> {
    if (cursor && 'after' in cursor) {
      return prepared<MessageRow>(
        this.db,
        'messages_after',
        `SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3`,
        [conversationId, cursor.after, limit],
      );
    }
    const rows = await prepared<MessageRow>(
      this.db,
      'messages_before',
      `SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`,
      [conversationId, cursor ? cursor.before : Number.MAX_SAFE_INTEGER, limit],
    );
    return rows.reverse();
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

  /** Messages with afterSeq < seq < beforeSeq, oldest first. */
  range(conversationId: string, afterSeq: number, beforeSeq: number): Promise<MessageRow[]> {
    return prepared<MessageRow>(
      this.db,
      'messages_between',
      `SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT 1000`,
      [conversationId, afterSeq, beforeSeq],
    );
  }
}
