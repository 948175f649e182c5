import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { sql } from '../database/sql';

export interface MessageRow {
  id: string;
  conversation_id: string;
  seq: string;
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

const COLUMNS = `id, conversation_id, seq, sender_id, client_id, content_ciphertext, content_key_id, created_at`;

/** Thrown inside the append transaction to roll it back when the client_id was already used. */
class DuplicateClientId extends Error {}

@Injectable()
export class MessagesRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  async findByClientId(senderId: string, clientId: string): Promise<MessageRow | undefined> {
    const [row] = await sql<MessageRow>(
      this.db,
      `SELECT ${COLUMNS} FROM messages WHERE sender_id = $1 AND client_id = $2`,
      [senderId, clientId],
    );
    return row;
  }

  /**
   * Appends a message at the end of its conversation. Taking the next sequence number
   * locks the conversation row until commit, so messages of one conversation commit in
   * sequence order: a reader paging with `after` can never skip one still in flight.
   * Returns undefined, storing nothing, when the sender already used this client_id.
   */
  async append(message: NewMessage): Promise<MessageRow | undefined> {
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await sql<MessageRow>(
          tx,
          `WITH next AS (
             UPDATE conversations
                SET last_seq = last_seq + 1,
                    last_message_at = GREATEST(date_trunc('milliseconds', clock_timestamp()), last_message_at)
              WHERE id = $2
             RETURNING last_seq, last_message_at
           )
           INSERT INTO messages (${COLUMNS})
           SELECT $1, $2, next.last_seq, $3, $4, $5, $6, next.last_message_at FROM next
           ON CONFLICT (sender_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
           RETURNING ${COLUMNS}`,
          [message.id, message.conversationId, message.senderId, message.clientId, message.ciphertext, message.keyId],
        );
        if (!row) throw new DuplicateClientId();
        return row;
      });
    } catch (error) {
      if (error instanceof DuplicateClientId) return undefined;
      throw error;
    }
  }

  async seqOf(conversationId: string, messageId: string): Promise<number | undefined> {
    const [row] = await sql<{ seq: string }>(
      this.db,
      `SELECT seq FROM messages WHERE conversation_id = $1 AND id = $2`,
      [conversationId, messageId],
    );
    return row ? Number(row.seq) : undefined;
  }

  /** One page in conversation order (oldest first), by keyset on (conversation_id, seq). */
  async page(conversationId: string, cursor: PageCursor, limit: number): Promise<MessageRow[]> {
    if (cursor && 'after' in cursor) {
      return sql<MessageRow>(
        this.db,
        `SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 ORDER BY seq ASC LIMIT $3`,
        [conversationId, cursor.after, limit],
      );
    }
    const rows = await sql<MessageRow>(
      this.db,
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
    return sql<DeliveryReceipt & { at: Date }>(
      this.db,
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
    return sql<MessageRow>(
      this.db,
      `SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT 1000`,
      [conversationId, afterSeq, beforeSeq],
    );
  }
}
