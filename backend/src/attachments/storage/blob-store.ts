import type { Readable } from 'node:stream';

/**
 * Where sealed attachment files live: a folder (LocalBlobStore) or an S3-compatible bucket
 * (S3BlobStore); both hold only ciphertext. Keys are the attachment's id and variant.
 */
export abstract class BlobStore {
  /** Stores the file at `path` under `key`, taking it over (the file is gone afterwards). */
  abstract put(key: string, path: string, size: number): Promise<void>;
  /** The stored bytes; rejects when there is no such blob. */
  abstract get(key: string): Promise<Readable>;
  /** Removes these blobs; ones already gone are no error. */
  abstract delete(keys: string[]): Promise<void>;
}

export const VARIANTS = ['original', 'thumbnail'] as const;
export type Variant = (typeof VARIANTS)[number];

export function blobKey(attachmentId: string, variant: Variant): string {
  return `${attachmentId}/${variant}`;
}
