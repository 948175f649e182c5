import type { ClientBase, Pool, PoolClient } from 'pg';
import type { ContentCipher } from '../platform/crypto/content-cipher';

/**
 * Every encrypted column of the schema: the message content (`content_ciphertext`, sealed
 * with the message id as associated data, and `content_key_id`), and each attachment's name
 * and file key (`filename_ciphertext` and `wrapped_key`, both under `key_id`). An attachment's
 * file itself is sealed under its own key, which is re-wrapped here: the file is not touched.
 */
const MESSAGES = 'messages';
const ATTACHMENTS = 'attachments';

export interface KeyUsage {
  keyId: string;
  rows: number;
}

/** Rows per sealing key id, the most used first. */
export async function rowsPerKey(db: Pool | ClientBase): Promise<KeyUsage[]> {
  const { rows } = await db.query<{ key_id: string; rows: string }>(
    `SELECT key_id, sum(n) AS rows FROM (
       SELECT content_key_id AS key_id, count(*) AS n FROM ${MESSAGES} WHERE content_key_id IS NOT NULL GROUP BY 1
       UNION ALL
       SELECT key_id, count(*) FROM ${ATTACHMENTS} GROUP BY 1
     ) k GROUP BY 1 ORDER BY 2 DESC, 1`,
  );
  return rows.map((r) => ({ keyId: r.key_id, rows: Number(r.rows) }));
}

/** Rows sealed with keys that are not configured: they cannot be re-encrypted (nor read). */
export class MissingKeysError extends Error {
  override name = 'MissingKeysError';
  constructor(readonly missing: KeyUsage[]) {
    super(
      `refusing to re-encrypt: rows are sealed with keys that are not configured (add them to ENCRYPTION_KEYS_PREVIOUS): ` +
        missing.map((m) => `${m.keyId} (${m.rows} rows)`).join(', '),
    );
  }
}

export interface ReencryptOptions {
  /** Rows per transaction. */
  batchSize: number;
  /** Stop after this many batches (a later run carries on). */
  maxBatches?: number;
  /** Asked before each batch: true stops the run there (Ctrl+C). */
  stopRequested?: () => boolean;
  /** Told how many rows are on older keys, before the first batch… */
  onStart?: (stale: number) => void;
  /** …and how many rows each batch went through. */
  onBatch?: (rows: number) => void;
}

export interface ReencryptSummary {
  /** Rows on older keys when the run started. */
  stale: number;
  reencrypted: number;
  batches: number;
  /** Ids of rows whose ciphertext would not open with its key (tampered or corrupt): left as they are. */
  unreadable: string[];
  /** Rows still on older keys when the run ended (unreadable ones, ones stopped short of, ones sealed meanwhile by another process with an older key). */
  remaining: number;
}

/**
 * Re-encrypts with the current key every row sealed with another one, in batches walked by id
 * (keyset), each batch one transaction. The batch's rows are locked (FOR UPDATE, whose re-check
 * drops a row an edit or a deletion moved to the current key meanwhile) and each update is
 * conditional on the old key id as well, so a concurrent edit is never overwritten. Only rows
 * not yet on the current key are touched: an interrupted run is resumed by running it again.
 */
export async function reencrypt(db: Pool, cipher: ContentCipher, options: ReencryptOptions): Promise<ReencryptSummary> {
  const current = cipher.currentKeyId;
  const usage = (await rowsPerKey(db)).filter((u) => u.keyId !== current);
  const missing = usage.filter((u) => !cipher.hasKey(u.keyId));
  if (missing.length) throw new MissingKeysError(missing);

  const summary: ReencryptSummary = { stale: usage.reduce((n, u) => n + u.rows, 0), reencrypted: 0, batches: 0, unreadable: [], remaining: 0 };
  options.onStart?.(summary.stale);
  for (const table of [reencryptBatch, rewrapBatch]) {
    let after = '00000000-0000-0000-0000-000000000000';
    while ((options.maxBatches === undefined || summary.batches < options.maxBatches) && !options.stopRequested?.()) {
      const batch = await table(db, cipher, after, options.batchSize);
      if (!batch.seen) break;
      summary.batches++;
      summary.reencrypted += batch.updated;
      summary.unreadable.push(...batch.unreadable);
      after = batch.lastId;
      options.onBatch?.(batch.seen);
    }
  }
  const { rows } = await db.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM ${MESSAGES} WHERE content_key_id <> $1) + (SELECT count(*) FROM ${ATTACHMENTS} WHERE key_id <> $1) AS n`,
    [current],
  );
  summary.remaining = Number(rows[0].n);
  return summary;
}

/**
 * The attachments' counterpart of reencryptBatch: each name re-sealed and each file key
 * re-wrapped under the current key, in the same locked, conditional way.
 */
async function rewrapBatch(db: Pool, cipher: ContentCipher, after: string, limit: number) {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: string; filename_ciphertext: Buffer; wrapped_key: Buffer; key_id: string }>(
      `SELECT id, filename_ciphertext, wrapped_key, key_id FROM ${ATTACHMENTS}
        WHERE key_id <> $1 AND id > $2 ORDER BY id LIMIT $3 FOR UPDATE`,
      [cipher.currentKeyId, after, limit],
    );
    const ids: string[] = [];
    const names: Buffer[] = [];
    const keys: Buffer[] = [];
    const oldKeyIds: string[] = [];
    const unreadable: string[] = [];
    for (const row of rows) {
      try {
        // The associated data AttachmentsService and AttachmentKeys seal them with.
        const name = cipher.open(row.filename_ciphertext, row.key_id, `attachment-name:${row.id}`);
        const key = cipher.open(row.wrapped_key, row.key_id, `attachment-key:${row.id}`);
        names.push(cipher.seal(name, `attachment-name:${row.id}`).ciphertext);
        keys.push(cipher.seal(key, `attachment-key:${row.id}`).ciphertext);
      } catch {
        unreadable.push(row.id);
        continue;
      }
      ids.push(row.id);
      oldKeyIds.push(row.key_id);
    }
    const updated = ids.length
      ? await client.query(
          `UPDATE ${ATTACHMENTS} a SET filename_ciphertext = v.name, wrapped_key = v.wrapped, key_id = $1
             FROM unnest($2::uuid[], $3::bytea[], $4::bytea[], $5::varchar[]) AS v(id, name, wrapped, old_key_id)
            WHERE a.id = v.id AND a.key_id = v.old_key_id`,
          [cipher.currentKeyId, ids, names, keys, oldKeyIds],
        )
      : { rowCount: 0 };
    return { seen: rows.length, updated: updated.rowCount ?? 0, unreadable, lastId: rows.at(-1)?.id ?? after };
  });
}

async function reencryptBatch(db: Pool, cipher: ContentCipher, after: string, limit: number) {
  return inTransaction(db, async (client) => {
    const { rows } = await client.query<{ id: string; content_ciphertext: Buffer; content_key_id: string }>(
      `SELECT id, content_ciphertext, content_key_id FROM ${MESSAGES}
        WHERE content_key_id <> $1 AND id > $2
        ORDER BY id LIMIT $3
        FOR UPDATE`,
      [cipher.currentKeyId, after, limit],
    );
    const ids: string[] = [];
    const ciphertexts: Buffer[] = [];
    const oldKeyIds: string[] = [];
    const unreadable: string[] = [];
    for (const row of rows) {
      let plaintext: string;
      try {
        plaintext = cipher.open(row.content_ciphertext, row.content_key_id, row.id);
      } catch {
        unreadable.push(row.id);
        continue;
      }
      ids.push(row.id);
      ciphertexts.push(cipher.seal(plaintext, row.id).ciphertext);
      oldKeyIds.push(row.content_key_id);
    }
    // Not an edit: version and edited_at stay as they are, and no change is announced.
    const updated = ids.length
      ? await client.query(
          `UPDATE ${MESSAGES} m SET content_ciphertext = v.ciphertext, content_key_id = $1
             FROM unnest($2::uuid[], $3::bytea[], $4::varchar[]) AS v(id, ciphertext, old_key_id)
            WHERE m.id = v.id AND m.content_key_id = v.old_key_id`,
          [cipher.currentKeyId, ids, ciphertexts, oldKeyIds],
        )
      : { rowCount: 0 };
    return { seen: rows.length, updated: updated.rowCount ?? 0, unreadable, lastId: rows.at(-1)?.id ?? after };
  });
}

/** Runs `work` in a transaction on one pooled connection: committed if it returns, rolled back if it throws. */
async function inTransaction<T>(db: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
