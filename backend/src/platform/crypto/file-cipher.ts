import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

const FORMAT_VERSION = 1;
const NONCE_PREFIX_BYTES = 7;
const HEADER_BYTES = 1 + NONCE_PREFIX_BYTES;
const TAG_BYTES = 16;
/** Plaintext bytes per sealed chunk: large files stream through a fixed amount of memory. */
export const FILE_CHUNK_BYTES = 64 * 1024;
/** Chunk indexes are 32-bit: 2^32 chunks of 64 KiB is far beyond any upload limit. */
const MAX_CHUNKS = 2 ** 32;

/**
 * Files at rest: the STREAM construction (Hoang, Reyhanitabar, Rogaway, Vizár) over AES-256-GCM.
 * The file is cut into 64 KiB chunks, each sealed on its own with the nonce
 * `prefix (7 random bytes) | chunk index (4, big-endian) | last-chunk flag (1)` and the file's
 * associated data (its id and variant), so a chunk moved to another place, another file, or a
 * stream cut short at a chunk boundary (its new last chunk was not sealed as the last) fails
 * to open. Layout: version (1) | nonce prefix (7) | chunks, each ciphertext | tag (16).
 * Every file has its own random key (see AttachmentKeys): nonces never repeat under a key.
 */
export function sealedSize(plainBytes: number): number {
  const chunks = Math.max(1, Math.ceil(plainBytes / FILE_CHUNK_BYTES));
  return HEADER_BYTES + plainBytes + chunks * TAG_BYTES;
}

function nonce(prefix: Buffer, index: number, last: boolean): Buffer {
  if (index >= MAX_CHUNKS) throw new Error('file too large for its chunk counter');
  const iv = Buffer.alloc(12);
  prefix.copy(iv, 0);
  iv.writeUInt32BE(index, NONCE_PREFIX_BYTES);
  iv[11] = last ? 1 : 0;
  return iv;
}

/** Seals a stream of plaintext chunk by chunk (one chunk is held back until it is known whether it is the last). */
export class FileSealer extends Transform {
  private readonly prefix = randomBytes(NONCE_PREFIX_BYTES);
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;

  constructor(
    private readonly key: KeyObject,
    private readonly associatedData: string,
  ) {
    super();
    this.push(Buffer.concat([Buffer.from([FORMAT_VERSION]), this.prefix]));
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.pending.push(data);
      this.pendingBytes += data.length;
      // Strictly more than a chunk: the chunk sealed now is not the last one.
      while (this.pendingBytes > FILE_CHUNK_BYTES) {
        const all = Buffer.concat(this.pending);
        this.push(this.seal(all.subarray(0, FILE_CHUNK_BYTES), false));
        const rest = all.subarray(FILE_CHUNK_BYTES);
        this.pending = [rest];
        this.pendingBytes = rest.length;
      }
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.push(this.seal(Buffer.concat(this.pending), true));
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  private seal(chunk: Buffer, last: boolean): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(this.prefix, this.index++, last));
    cipher.setAAD(Buffer.from(this.associatedData, 'utf8'));
    return Buffer.concat([cipher.update(chunk), cipher.final(), cipher.getAuthTag()]);
  }
}

/** Opens what FileSealer sealed; fails the stream on a tampered, reordered, truncated or extended file. */
export class FileOpener extends Transform {
  private header: Buffer | undefined;
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  private index = 0;

  constructor(
    private readonly key: KeyObject,
    private readonly associatedData: string,
  ) {
    super();
  }

  override _transform(data: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.buffered.push(data);
      this.bufferedBytes += data.length;
      let all = Buffer.concat(this.buffered);
      if (!this.header) {
        if (all.length < HEADER_BYTES) return this.keep(all, done);
        if (all[0] !== FORMAT_VERSION) throw new Error(`unknown file format ${all[0]}`);
        this.header = all.subarray(1, HEADER_BYTES);
        all = all.subarray(HEADER_BYTES);
      }
      const sealedChunk = FILE_CHUNK_BYTES + TAG_BYTES;
      // Strictly more than a sealed chunk: the one opened now is not the last.
      while (all.length > sealedChunk) {
        this.push(this.open(all.subarray(0, sealedChunk), false));
        all = all.subarray(sealedChunk);
      }
      this.keep(all, done);
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      const rest = Buffer.concat(this.buffered);
      if (!this.header || rest.length < TAG_BYTES) throw new Error('sealed file is truncated');
      this.push(this.open(rest, true));
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  private keep(rest: Buffer, done: TransformCallback): void {
    this.buffered = [rest];
    this.bufferedBytes = rest.length;
    done();
  }

  private open(sealed: Buffer, last: boolean): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce(this.header!, this.index++, last));
    decipher.setAAD(Buffer.from(this.associatedData, 'utf8'));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  }
}
