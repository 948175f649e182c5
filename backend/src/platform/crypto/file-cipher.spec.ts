import { createSecretKey, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { FILE_CHUNK_BYTES, FileOpener, FileSealer, sealedSize } from './file-cipher';

const key = createSecretKey(randomBytes(32));

/** Runs bytes through a transform, in pieces of `piece` bytes (as a socket or file would deliver them). */
async function through(bytes: Buffer, transform: NodeJS.ReadWriteStream, piece = 10_000): Promise<Buffer> {
  const pieces = [];
  for (let i = 0; i < bytes.length; i += piece) pieces.push(bytes.subarray(i, i + piece));
  const out: Buffer[] = [];
  for await (const chunk of Readable.from(pieces).pipe(transform)) out.push(chunk as Buffer);
  return Buffer.concat(out);
}

const seal = (plain: Buffer, ad = 'a1:original', piece?: number) => through(plain, new FileSealer(key, ad), piece);
const open = (sealed: Buffer, ad = 'a1:original', piece?: number) => through(sealed, new FileOpener(key, ad), piece);

describe('FileSealer / FileOpener (chunked AES-256-GCM)', () => {
  it.each([0, 1, 1000, FILE_CHUNK_BYTES - 1, FILE_CHUNK_BYTES, FILE_CHUNK_BYTES + 1, 3 * FILE_CHUNK_BYTES, 3 * FILE_CHUNK_BYTES + 17])(
    'round-trips %i bytes, with the size sealedSize predicts',
    async (size) => {
      const plain = randomBytes(size);
      const sealed = await seal(plain, undefined, 7_777);
      expect(sealed.length).toBe(sealedSize(size));
      expect((await open(sealed, undefined, 5_000)).equals(plain)).toBe(true);
    },
  );

  it('never writes the plaintext, and seals the same file differently each time', async () => {
    const plain = Buffer.from('MARKER '.repeat(20_000));
    const [a, b] = await Promise.all([seal(plain), seal(plain)]);
    expect(a.includes(Buffer.from('MARKER'))).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses a flipped bit anywhere', async () => {
    const sealed = await seal(randomBytes(2 * FILE_CHUNK_BYTES + 5));
    for (const at of [0, 3, 8, 100, FILE_CHUNK_BYTES + 40, sealed.length - 1]) {
      const tampered = Buffer.from(sealed);
      tampered[at] ^= 1;
      await expect(open(tampered)).rejects.toThrow();
    }
  });

  it('refuses a file cut short, at a chunk boundary or inside a chunk', async () => {
    const sealed = await seal(randomBytes(3 * FILE_CHUNK_BYTES));
    const boundary = 8 + 2 * (FILE_CHUNK_BYTES + 16);
    await expect(open(sealed.subarray(0, boundary))).rejects.toThrow();
    await expect(open(sealed.subarray(0, boundary - 100))).rejects.toThrow();
    await expect(open(sealed.subarray(0, 5))).rejects.toThrow(/truncated/);
  });

  it('refuses chunks swapped, a chunk added, and another file’s associated data', async () => {
    const sealed = await seal(randomBytes(3 * FILE_CHUNK_BYTES + 10));
    const size = FILE_CHUNK_BYTES + 16;
    const chunk = (i: number) => sealed.subarray(8 + i * size, 8 + (i + 1) * size);
    const swapped = Buffer.concat([sealed.subarray(0, 8), chunk(1), chunk(0), sealed.subarray(8 + 2 * size)]);
    await expect(open(swapped)).rejects.toThrow();
    await expect(open(Buffer.concat([sealed, chunk(0)]))).rejects.toThrow();
    await expect(open(sealed, 'a1:thumbnail')).rejects.toThrow();
    await expect(open(sealed, 'a2:original')).rejects.toThrow();
  });

  it('refuses another key', async () => {
    const sealed = await seal(randomBytes(100));
    await expect(through(sealed, new FileOpener(createSecretKey(randomBytes(32)), 'a1:original'))).rejects.toThrow();
  });
});
