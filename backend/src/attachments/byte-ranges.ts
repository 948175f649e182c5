import { HttpException, HttpStatus } from '@nestjs/common';
import { type Readable, Transform, type TransformCallback } from 'node:stream';
import type { ByteRange } from './storage/blob-store';

/** 416, saying how long the file is (`Content-Range: bytes *\/size`, set by the controller). */
export class RangeNotSatisfiableException extends HttpException {
  constructor(readonly size: number) {
    super('The range asked for lies past the end of the file', HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
  }
}

/**
 * The one byte range a `Range` header asks for (`bytes=a-b`, `bytes=a-`, `bytes=-n`), clipped
 * to the file; 'unsatisfiable' when it starts past the end; undefined for no header, several
 * ranges or anything malformed (served whole, as RFC 9110 lets a server do).
 */
export function byteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = header ? /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim()) : null;
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  if (match[2] !== '' && Number(match[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end: match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1) };
}

/** Passes on `take` bytes after skipping `skip`, then drops the rest. */
export class Slice extends Transform {
  private toSkip: number;
  private toKeep: number;

  constructor(skip: number, keep: number) {
    super();
    this.toSkip = skip;
    this.toKeep = keep;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    let data = chunk;
    if (this.toSkip) {
      const skipped = Math.min(this.toSkip, data.length);
      data = data.subarray(skipped);
      this.toSkip -= skipped;
    }
    if (this.toKeep && data.length) {
      const kept = data.subarray(0, this.toKeep);
      this.toKeep -= kept.length;
      this.push(kept);
    }
    done();
  }
}

/** The whole of a (small) stream. */
export async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `head`, then every chunk of `rest`. */
export async function* prefixed(head: Buffer, rest: Readable): AsyncGenerator<Buffer> {
  yield head;
  for await (const chunk of rest) yield chunk as Buffer;
}

/** Pipes through the transforms; an error anywhere fails the last one (which the response reads). */
export function pipe(source: Readable, ...transforms: Transform[]): Readable {
  let current: Readable = source;
  for (const transform of transforms) {
    const from = current;
    from.on('error', (error) => transform.destroy(error));
    current = from.pipe(transform);
  }
  return current;
}
