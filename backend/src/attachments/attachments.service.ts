import { ForbiddenException, Inject, Injectable, Logger, NotFoundException, UnsupportedMediaTypeException } from '@nestjs/common';
import { fileTypeFromFile } from 'file-type';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { AttachmentDto } from './dto/attachment.dto';
import { ContentCipher } from '../platform/crypto/content-cipher';
import { FileOpener, FileSealer, sealedSize } from '../platform/crypto/file-cipher';
import { AttachmentKeys } from './attachment-keys';
import { AttachmentUrls } from './attachment-urls';
import { AttachmentViews } from './attachment-views';
import { type AttachmentRecord, AttachmentsRepository, type StoredAttachment } from './attachments.repository';
import { allowedType, contentDisposition, isUtf8Text, PROCESSED_IMAGE_TYPES, sanitizeFilename } from './file-types';
import { stripImage, thumbnail } from './image-processing';
import { receiveFile } from './multipart-upload';
import { BlobStore, blobKey, VARIANTS, type Variant } from './storage/blob-store';

/** An upload's blobs are removed this long after it started, unless its row was stored (a crash in between leaks nothing). */
const UPLOAD_INTENT_SECONDS = 86_400;
/** Rows and blobs one sweep pass handles at most. */
const SWEEP_BATCH = 500;

/** A file as served: its headers and its plaintext, streamed. */
export interface ServedFile {
  contentType: string;
  size: number;
  disposition: string;
  body: Readable;
}

/**
 * Attachments: an upload is streamed to disk, judged by its bytes, stripped of metadata and
 * thumbnailed when it is an image, sealed chunk by chunk under a key of its own and handed to
 * the blob store. Readers get short-lived signed URLs; the files themselves are opened
 * chunk by chunk as they are served.
 */
@Injectable()
export class AttachmentsService {
  private readonly logger = new Logger(AttachmentsService.name);
  private readonly settings: AppConfig['attachments'];

  constructor(
    private readonly attachments: AttachmentsRepository,
    private readonly store: BlobStore,
    private readonly cipher: ContentCipher,
    private readonly keys: AttachmentKeys,
    private readonly urls: AttachmentUrls,
    private readonly views: AttachmentViews,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'attachments'>,
  ) {
    this.settings = config.attachments;
  }

  async upload(userId: string, req: IncomingMessage): Promise<AttachmentDto> {
    const file = await receiveFile(req, this.settings.tmpDir, this.settings.maxBytes);
    const work = `${file.path}.work`;
    const leftovers = [file.path, work, `${work}.original`, `${work}.thumbnail`];
    try {
      const filename = sanitizeFilename(file.filename);
      const detected = (await fileTypeFromFile(file.path))?.mime;
      let contentType = allowedType(detected, filename, detected === undefined && (await isUtf8Text(file.path)));
      if (!contentType) throw new UnsupportedMediaTypeException('This type of file is not accepted (images, PDF, office documents, audio, video and plain text are)');

      let source = file.path;
      let size = file.size;
      let dimensions: { width: number; height: number } | undefined;
      let preview: Buffer | undefined;
      if (PROCESSED_IMAGE_TYPES.has(contentType)) {
        const image = await stripImage(file.path, work, contentType).catch((error: unknown) => {
          this.logger.debug({ err: error }, 'an upload detected as an image did not decode');
          throw new UnsupportedMediaTypeException('The image could not be read (damaged, or a format this server cannot process)');
        });
        ({ contentType, size } = image);
        dimensions = { width: image.width, height: image.height };
        source = work;
        preview = await thumbnail(work);
      }

      const { id, key, wrapped } = this.keys.create();
      await this.attachments.intendUpload(id, UPLOAD_INTENT_SECONDS);
      await this.seal(key, id, 'original', createReadStream(source), size, `${work}.original`);
      if (preview) await this.seal(key, id, 'thumbnail', Readable.from([preview]), preview.length, `${work}.thumbnail`);
      const name = this.cipher.seal(filename, `attachment-name:${id}`);
      await this.attachments.insert({
        id,
        uploaderId: userId,
        filenameCiphertext: name.ciphertext,
        wrappedKey: wrapped.ciphertext,
        keyId: wrapped.keyId,
        contentType,
        size,
        width: dimensions?.width ?? null,
        height: dimensions?.height ?? null,
        thumbnailSize: preview?.length ?? null,
      });
      return this.toDto({
        id,
        filename_ciphertext: name.ciphertext,
        key_id: name.keyId,
        content_type: contentType,
        size,
        width: dimensions?.width ?? null,
        height: dimensions?.height ?? null,
        thumbnail_size: preview?.length ?? null,
      });
    } finally {
      await Promise.all(leftovers.map((path) => rm(path, { force: true })));
    }
  }

  /** Seals the plaintext to a file beside the upload (chunk by chunk), then hands it to the store. */
  private async seal(key: ReturnType<AttachmentKeys['create']>['key'], id: string, variant: Variant, plaintext: Readable, size: number, path: string): Promise<void> {
    await mkdir(this.settings.tmpDir, { recursive: true });
    await pipeline(plaintext, new FileSealer(key, `${id}:${variant}`), createWriteStream(path, { mode: 0o600 }));
    const sealed = (await stat(path)).size;
    if (sealed !== sealedSize(size)) throw new Error(`sealed ${sealed} bytes where ${sealedSize(size)} were expected`);
    await this.store.put(blobKey(id, variant), path, sealed);
  }

  toDto(record: AttachmentRecord): AttachmentDto {
    return this.views.toDto(record);
  }

  /** The attachment with fresh URLs, for someone who may read it; 404 for anyone else (its existence is not told). */
  async get(userId: string, id: string): Promise<AttachmentDto> {
    const row = await this.attachments.find(id);
    if (!row || !(await this.attachments.readableBy(id, userId))) throw new NotFoundException('Attachment not found');
    return this.toDto(row);
  }

  /** The file behind a signed URL: 403 when the URL is expired or not ours, 404 when the file is gone. */
  async open(id: string, variant: Variant, expires: string | undefined, signature: string | undefined): Promise<ServedFile> {
    const verdict = this.urls.verify(id, variant, expires, signature);
    if (verdict === 'expired') throw new ForbiddenException('This link has expired: ask for the message again for a fresh one');
    if (verdict !== 'ok') throw new ForbiddenException('This link is not valid');
    const row = await this.attachments.find(id);
    if (!row || (variant === 'thumbnail' && row.thumbnail_size === null)) throw new NotFoundException('Attachment not found');
    const key = this.keys.unwrap(row);
    const sealed = await this.store.get(blobKey(id, variant)).catch((error: unknown) => {
      // A row whose blob is gone: the store lost it (or an operator removed it). Nothing to serve.
      this.logger.error({ err: error, attachment: id, variant }, 'attachment blob missing from the store');
      throw new NotFoundException('Attachment not found');
    });
    const opener = new FileOpener(key, `${id}:${variant}`);
    const body = sealed.pipe(opener);
    sealed.on('error', (error) => opener.destroy(error));
    const filename = this.toDto(row).filename;
    const thumbnailVariant = variant === 'thumbnail';
    const contentType = thumbnailVariant ? 'image/webp' : row.content_type;
    const media = /^(image|audio|video)\//.test(contentType);
    return {
      contentType,
      size: thumbnailVariant ? row.thumbnail_size! : Number(row.size),
      disposition: contentDisposition(media ? 'inline' : 'attachment', filename),
      body,
    };
  }

  /** Within the transaction deleting messages: returns ids to `purge` once it has committed. */
  removeOfMessage(...args: Parameters<AttachmentsRepository['removeOfMessage']>): Promise<string[]> {
    return this.attachments.removeOfMessage(...args);
  }

  /** Every file the user uploaded, rows and blobs (their account is deleted). */
  async removeOfUploader(userId: string): Promise<void> {
    await this.purge(await this.attachments.removeOfUploader(userId));
  }

  /** Removes the blobs of attachments whose rows are gone; a failure leaves them queued for the sweep. */
  async purge(ids: string[]): Promise<void> {
    if (!ids.length) return;
    try {
      await this.store.delete(ids.flatMap((id) => VARIANTS.map((variant) => blobKey(id, variant))));
      await this.attachments.purged(ids);
    } catch (error) {
      this.logger.warn({ err: error, attachments: ids.length }, 'attachment blobs not removed yet: the sweep will retry');
    }
  }

  /** One sweep: uploads no message took in time, then every blob due for removal (crash leftovers included). */
  async sweep(): Promise<{ unattached: number; purged: number }> {
    const unattached = await this.attachments.removeUnattached(this.settings.unattachedTtlSeconds, SWEEP_BATCH);
    let purged = 0;
    for (let due = await this.attachments.duePurges(SWEEP_BATCH); due.length; due = await this.attachments.duePurges(SWEEP_BATCH)) {
      await this.store.delete(due.flatMap((id) => VARIANTS.map((variant) => blobKey(id, variant))));
      await this.attachments.purged(due);
      purged += due.length;
      if (due.length < SWEEP_BATCH) break;
    }
    return { unattached: unattached.length, purged };
  }

  /** Claims for a message being sent; see AttachmentsRepository.claim. */
  claim(userId: string, messageId: string, ids: string[]): Promise<AttachmentRecord[]> {
    return this.attachments.claim(userId, messageId, ids);
  }

  release(messageId: string): Promise<void> {
    return this.attachments.release(messageId);
  }
}

export type { StoredAttachment };
