import type { BlindIndex } from '../platform/crypto/blind-index';
import type { ContentCipher } from '../platform/crypto/content-cipher';
import type { SearchRepository } from './search.repository';

export interface ReindexProgress {
  /** Messages that needed indexing when the run began (others may arrive meanwhile). */
  total: number;
  indexed: number;
  /** Messages whose content could not be decrypted (a key missing from ENCRYPTION_KEYS_PREVIOUS?): left as they were. */
  failed: number;
}

export interface ReindexOptions {
  batchSize?: number;
  /** Told after every committed batch. */
  onProgress?: (progress: ReindexProgress) => void;
  /** Once aborted, the run stops after the batch in flight commits. */
  signal?: AbortSignal;
}

const BEFORE_EVERY_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Gives every message with content the search tokens of the current search key: messages
 * stored before the index existed, and those indexed under an older key (after SEARCH_KEY,
 * or the ENCRYPTION_KEY it is derived from, changed). Batches in id order, each locked,
 * indexed and written in its own transaction: a run stopped anywhere leaves every message
 * either as it was or fully indexed, and the next run takes up only those still to do.
 */
export class Reindexer {
  constructor(
    private readonly repository: SearchRepository,
    private readonly index: BlindIndex,
    private readonly cipher: ContentCipher,
  ) {}

  async run(options: ReindexOptions = {}): Promise<ReindexProgress & { complete: boolean }> {
    const batchSize = options.batchSize ?? 500;
    const keyId = this.index.keyId;
    const progress: ReindexProgress = { total: await this.repository.countUnindexed(keyId), indexed: 0, failed: 0 };
    options.onProgress?.({ ...progress });
    for (let after = BEFORE_EVERY_ID; ; ) {
      if (options.signal?.aborted) return { ...progress, complete: false };
      const batch = await this.repository.transaction(async (tx) => {
        const rows = await this.repository.lockUnindexed(tx, keyId, after, batchSize);
        const indexed: Array<{ id: string; tokens: number[] }> = [];
        for (const row of rows) {
          const text = this.open(row.content_ciphertext, row.content_key_id, row.id);
          if (text === undefined) progress.failed += 1;
          else indexed.push({ id: row.id, tokens: this.index.messageTokens(row.conversation_id, text) });
        }
        if (indexed.length) await this.repository.writeTokens(tx, keyId, indexed);
        return { last: rows.at(-1)?.id, indexed: indexed.length };
      });
      if (!batch.last) return { ...progress, complete: true };
      progress.indexed += batch.indexed;
      after = batch.last;
      options.onProgress?.({ ...progress });
    }
  }

  private open(ciphertext: Buffer, keyId: string, messageId: string): string | undefined {
    try {
      return this.cipher.open(ciphertext, keyId, messageId);
    } catch {
      return undefined;
    }
  }
}
