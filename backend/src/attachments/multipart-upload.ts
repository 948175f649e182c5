import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import busboy from 'busboy';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface ReceivedFile {
  /** A temporary file holding the upload; the caller removes it. */
  path: string;
  /** The name the client gave (unsanitised). */
  filename: string;
  size: number;
}

/**
 * Streams the multipart field `file` of the request to a temporary file, never holding it in
 * memory: 413 as soon as it passes `maxBytes` (the rest of the request is read and dropped so
 * the client hears the answer), 400 when there is no such field or the body is not multipart.
 */
export async function receiveFile(req: IncomingMessage, tmpDir: string, maxBytes: number): Promise<ReceivedFile> {
  await mkdir(tmpDir, { recursive: true, mode: 0o700 });
  let parser: busboy.Busboy;
  try {
    // File names are UTF-8 (as browsers send them), not busboy's default latin1.
    parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fileSize: maxBytes + 1, files: 1, fields: 10, parts: 20, fieldSize: 1024 } });
  } catch {
    throw new BadRequestException('The body must be multipart/form-data with a field "file"');
  }
  const path = join(tmpDir, `${randomUUID()}.upload`);
  let received: Promise<ReceivedFile> | undefined;
  let tooLarge = false;

  const finished = new Promise<void>((resolve, reject) => {
    parser.on('file', (field, stream, info) => {
      if (field !== 'file' || received) {
        stream.resume();
        return;
      }
      let size = 0;
      stream.on('data', (chunk: Buffer) => (size += chunk.length));
      // busboy stops at its limit, one byte past ours: a file of exactly maxBytes passes.
      stream.on('limit', () => {
        tooLarge = true;
      });
      received = pipeline(stream, createWriteStream(path, { mode: 0o600 })).then(() => ({ path, filename: info.filename ?? '', size }));
      // Settled below, once the whole body has been read.
      received.catch(() => undefined);
    });
    parser.on('close', resolve);
    parser.on('error', reject);
    req.on('error', reject);
  });
  req.pipe(parser);
  try {
    await finished;
    if (!received) throw new BadRequestException('The body must be multipart/form-data with a field "file"');
    const file = await received;
    if (tooLarge || file.size > maxBytes) throw new PayloadTooLargeException(`A file may have at most ${maxBytes} bytes`);
    return file;
  } catch (error) {
    await rm(path, { force: true });
    if (error instanceof BadRequestException || error instanceof PayloadTooLargeException) throw error;
    throw new BadRequestException('The multipart body is malformed');
  }
}
