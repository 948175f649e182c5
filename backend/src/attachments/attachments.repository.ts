import { Injectable } from '@nestjs/common';
import { InjectEntityManager } from '@nestjs/typeorm';
import type { EntityManager } from 'typeorm';
import { prepared, sql } from '../platform/database/sql';

/** What a reader is shown of an attachment, as stored (the name still sealed). */
export interface AttachmentRecord {
  id: string;
  /** bytea, or base64 text when it comes inside a message's JSON (see messages.repository's VIEW). */
  filename_ciphertext: Buffer | string;
  key_id: string;
  content_type: string;
  size: string | number;
  width: number | null;
  height: number | null;
  thumbnail_size: number | null;
}

/** Everything needed to serve the file. */
export type StoredAttachment = AttachmentRecord & { uploader_id: string; message_id: string | null; wrapped_key: Buffer };

export interface NewAttachment {
  id: string;
  uploaderId: string;
  filenameCiphertext: Buffer;
  wrappedKey: Buffer;
  keyId: string;
  contentType: string;
  size: number;
  width: number | null;
  height: number | null;
  thumbnailSize: number | null;
}

export const RECORD_COLUMNS = 'id, filename_ciphertext, key_id, content_type, size, width, height, thumbnail_size';

/** How long a reservation for a message being stored holds (longer than any append takes). */
const CLAIM_SECONDS = 300;

@Injectable()
export class AttachmentsRepository {
  constructor(@InjectEntityManager() private readonly db: EntityManager) {}

  /** Before an upload writes its blobs: they are removed after `seconds` unless `insert` cancels this. */
  async intendUpload(id: string, seconds: number): Promise<void> {
    await sql(this.db, `INSERT INTO attachment_purges (attachment_id, not_before) VALUES ($1, now() + make_interval(secs => $2))`, [id, seconds]);
  }

  /** The row, and the upload intent cancelled, in one statement: from here on the blobs are the row's. */
  async insert(a: NewAttachment): Promise<void> {
    await sql(
      this.db,
      `WITH stored AS (
         INSERT INTO attachments (id, uploader_id, filename_ciphertext, wrapped_key, key_id, content_type, size, width, height, thumbnail_size)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id
       )
       DELETE FROM attachment_purges WHERE attachment_id IN (SELECT id FROM stored)`,
      [a.id, a.uploaderId, a.filenameCiphertext, a.wrappedKey, a.keyId, a.contentType, a.size, a.width, a.height, a.thumbnailSize],
    );
  }

  async find(id: string): Promise<StoredAttachment | undefined> {
    const [row] = await prepared<StoredAttachment>(
      this.db,
      'attachment_by_id',
      `SELECT ${RECORD_COLUMNS}, uploader_id, message_id, wrapped_key FROM attachments WHERE id = $1`,
      [id],
    );
    return row;
  }

  /**
   * Whether the user may read the attachment: they uploaded it, or it is in a message of a
   * conversation they are in, sent since they joined, and not deleted.
   */
  async readableBy(id: string, userId: string): Promise<boolean> {
    const [row] = await prepared<{ ok: boolean }>(
      this.db,
      'attachment_readable',
      `SELECT EXISTS (
         SELECT 1 FROM attachments a WHERE a.id = $1 AND a.uploader_id = $2
         UNION ALL
         SELECT 1 FROM attachments a
           JOIN messages m ON m.id = a.message_id AND m.deleted_at IS NULL
           JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = $2 AND m.seq >= p.joined_seq
          WHERE a.id = $1) AS ok`,
      [id, userId],
    );
    return row.ok;
  }

  /**
   * Reserves the caller's attachments, not yet in a message, for the message `messageId`
   * about to be stored; the statement that stores it links them (messages.repository). Returns
   * the ones reserved, in the order given: fewer than asked means some are not the caller's,
   * are taken, or do not exist.
   */
  claim(userId: string, messageId: string, ids: string[]): Promise<AttachmentRecord[]> {
    return sql<AttachmentRecord>(
      this.db,
      `UPDATE attachments SET claimed_for = $2, claimed_at = now(), position = array_position($3::uuid[], id) - 1
        WHERE id = ANY($3::uuid[]) AND uploader_id = $1 AND message_id IS NULL
          AND (claimed_for IS NULL OR claimed_for = $2 OR claimed_at < now() - make_interval(secs => ${CLAIM_SECONDS}))
        RETURNING ${RECORD_COLUMNS}, position`,
      [userId, messageId, ids],
    ).then((rows) => rows.sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id)));
  }

  /** Gives back what `claim` reserved for a message that was not stored. */
  async release(messageId: string): Promise<void> {
    await sql(this.db, `UPDATE attachments SET claimed_for = NULL, claimed_at = NULL WHERE claimed_for = $1 AND message_id IS NULL`, [messageId]);
  }

  /** Inside the deleting transaction: the message's attachments go, their blobs queued for removal. */
  removeOfMessage(tx: EntityManager, messageId: string): Promise<string[]> {
    return this.remove(tx, `message_id = $1`, [messageId]);
  }

  /** Every file the user uploaded (their account is being deleted). */
  removeOfUploader(userId: string): Promise<string[]> {
    return this.db.transaction((tx) => this.remove(tx, `uploader_id = $1`, [userId]));
  }

  /** Uploads no message took within `seconds`; reservations left by a crash count as not taken. */
  removeUnattached(seconds: number, limit: number): Promise<string[]> {
    return this.db.transaction((tx) =>
      this.remove(
        tx,
        `id IN (SELECT id FROM attachments WHERE message_id IS NULL AND created_at < now() - make_interval(secs => $1)
                  AND (claimed_for IS NULL OR claimed_at < now() - make_interval(secs => ${CLAIM_SECONDS}))
                ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [seconds, limit],
      ),
    );
  }

  private async remove(tx: EntityManager, where: string, params: unknown[]): Promise<string[]> {
    const rows = await sql<{ attachment_id: string }>(
      tx,
      `WITH gone AS (DELETE FROM attachments WHERE ${where} RETURNING id)
       INSERT INTO attachment_purges (attachment_id) SELECT id FROM gone
       ON CONFLICT (attachment_id) DO UPDATE SET not_before = now()
       RETURNING attachment_id`,
      params,
    );
    return rows.map((r) => r.attachment_id);
  }

  /** Blobs due for removal (oldest first). */
  async duePurges(limit: number): Promise<string[]> {
    const rows = await sql<{ attachment_id: string }>(
      this.db,
      `SELECT attachment_id FROM attachment_purges WHERE not_before <= now() ORDER BY not_before LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.attachment_id);
  }

  /** Their blobs are gone: forget them (unless a row took the id meanwhile: an upload intent is only cancelled by `insert`). */
  async purged(ids: string[]): Promise<void> {
    if (ids.length) await sql(this.db, `DELETE FROM attachment_purges WHERE attachment_id = ANY($1::uuid[]) AND not_before <= now()`, [ids]);
  }
}
