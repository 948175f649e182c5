import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { BlobStore } from './blob-store';

/** Blobs as files in a folder (under DATA_DIR by default): `<dir>/<id>/<variant>`. */
export class LocalBlobStore extends BlobStore {
  constructor(private readonly dir: string) {
    super();
  }

  async put(key: string, path: string): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true, mode: 0o700 });
    // The sealed file was written under DATA_DIR too: a rename, no copy.
    await rename(path, target);
  }

  async get(key: string): Promise<Readable> {
    const path = this.path(key);
    await stat(path);
    return createReadStream(path);
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) {
      await rm(this.path(key), { force: true });
      await rm(dirname(this.path(key)), { recursive: false, force: true }).catch(() => undefined);
    }
  }

  private path(key: string): string {
    if (!/^[0-9a-f-]{36}\/[a-z]+$/.test(key)) throw new Error(`not a blob key: ${key}`);
    return join(this.dir, key);
  }
}
