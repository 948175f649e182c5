import { createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { ContentCipher, type SealedContent } from '../platform/crypto/content-cipher';

/**
 * Each file is sealed under a random key of its own; that key is stored wrapped (sealed) by
 * the content key, with the attachment id as associated data and the content key's id beside
 * it — so rotating ENCRYPTION_KEY re-wraps 32 bytes per file, never the file itself.
 */
export class AttachmentKeys {
  constructor(private readonly cipher: ContentCipher) {}

  create(): { id: string; key: KeyObject; wrapped: SealedContent } {
    const id = randomUUID();
    const raw = randomBytes(32);
    return { id, key: createSecretKey(raw), wrapped: this.wrap(id, raw) };
  }

  wrap(id: string, raw: Buffer): SealedContent {
    return this.cipher.seal(raw.toString('base64'), `attachment-key:${id}`);
  }

  unwrap(row: { id: string; wrapped_key: Buffer; key_id: string }): KeyObject {
    return createSecretKey(Buffer.from(this.cipher.open(row.wrapped_key, row.key_id, `attachment-key:${row.id}`), 'base64'));
  }
}
