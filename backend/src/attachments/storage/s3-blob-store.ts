import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { AttachmentStorageConfig } from '../../config/app-config';
import { BlobStore } from './blob-store';

type S3Config = Extract<AttachmentStorageConfig, { kind: 's3' }>;

/** Blobs in an S3-compatible bucket (AWS, MinIO, …), streamed both ways. */
export class S3BlobStore extends BlobStore {
  private readonly client: S3Client;

  constructor(private readonly config: S3Config) {
    super();
    this.client = new S3Client({
      endpoint: config.endpoint,
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      // Checksums only where S3 requires them: the aws-chunked uploads the SDK otherwise
      // sends are not understood by every S3-compatible server. GCM tags protect the bytes.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async put(key: string, path: string, size: number): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.config.bucket, Key: key, Body: createReadStream(path), ContentLength: size, ContentType: 'application/octet-stream' }),
    );
    await rm(path, { force: true });
  }

  async get(key: string): Promise<Readable> {
    const { Body } = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
    if (!Body) throw new Error(`blob ${key} has no body`);
    return Body as Readable;
  }

  async delete(keys: string[]): Promise<void> {
    // One request per key: DeleteObjects needs a Content-MD5 that not every S3-compatible server checks alike.
    await Promise.all(keys.map((Key) => this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key }))));
  }

  destroy(): void {
    this.client.destroy();
  }
}
