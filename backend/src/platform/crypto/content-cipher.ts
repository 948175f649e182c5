import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { EncryptionKeys } from '../../config/app-config';

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface SealedContent {
  ciphertext: Buffer;
  keyId: string;
}

/**
 * Message content at rest: AES-256-GCM, a fresh 96-bit nonce per message, the row's id as
 * associated data (a ciphertext copied onto another row fails to open), and the id of the
 * sealing key stored beside it so older keys keep decrypting after a rotation.
 * Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
 */
export class ContentCipher {
  // KeyObjects, not Buffers: Node.js 24 probes a raw key on every cipher it makes (4-5x the
  // cost of an AES-GCM seal of a short message, measured in bench/README.md).
  private readonly current: { id: string; key: KeyObject };
  private readonly keys = new Map<string, KeyObject>();

  constructor(keys: EncryptionKeys) {
    this.current = { id: ContentCipher.keyId(keys.current), key: createSecretKey(keys.current) };
    for (const key of [keys.current, ...keys.previous]) this.keys.set(ContentCipher.keyId(key), createSecretKey(key));
  }

  /** A key's public name: the start of its SHA-256, so ids need no configuration. */
  static keyId(key: Buffer): string {
    return createHash('sha256').update(key).digest('hex').slice(0, 16);
  }

  get currentKeyId(): string {
    return this.current.id;
  }

  /** Whether a ciphertext sealed with this key id can be opened (the key is configured). */
  hasKey(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  seal(plaintext: string, associatedData: string): SealedContent {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return {
      ciphertext: Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), body]),
      keyId: this.current.id,
    };
  }

  /** The plaintext, or why it cannot be opened (see `open`): never throws. */
  tryOpen(ciphertext: Buffer, keyId: string, associatedData: string): { plaintext: string } | { error: Error } {
    try {
      return { plaintext: this.open(ciphertext, keyId, associatedData) };
    } catch (error) {
      return { error: error as Error };
    }
  }

  /** Throws on an unknown key id, an unknown format, or a ciphertext (or row id) that was tampered with. */
  open(ciphertext: Buffer, keyId: string, associatedData: string): string {
    const key = this.keys.get(keyId);
    if (!key) throw new Error(`no encryption key with id ${keyId} is configured (see ENCRYPTION_KEYS_PREVIOUS)`);
    if (ciphertext[0] !== FORMAT_VERSION) throw new Error(`unknown ciphertext format ${ciphertext[0]}`);
    const iv = ciphertext.subarray(1, 1 + IV_BYTES);
    const tag = ciphertext.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  }
}
