import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ContentCipher } from '../platform/crypto/content-cipher';
import { PlatformModule } from '../platform/platform.module';
import { AttachmentKeys } from './attachment-keys';
import { AttachmentSweeper } from './attachment-sweeper';
import { AttachmentUrls } from './attachment-urls';
import { AttachmentViews } from './attachment-views';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsRepository } from './attachments.repository';
import { AttachmentsService } from './attachments.service';
import { BlobStore } from './storage/blob-store';
import { LocalBlobStore } from './storage/local-blob-store';
import { S3BlobStore } from './storage/s3-blob-store';

/** Files sent with messages: upload, sealed storage (a folder or S3), signed URLs, the sweep. */
@Module({
  imports: [PlatformModule],
  controllers: [AttachmentsController],
  providers: [
    AttachmentsRepository,
    AttachmentsService,
    AttachmentSweeper,
    {
      provide: BlobStore,
      inject: [APP_CONFIG],
      useFactory: ({ attachments: { storage } }: AppConfig): BlobStore =>
        storage.kind === 's3' ? new S3BlobStore(storage) : new LocalBlobStore(storage.dir),
    },
    { provide: AttachmentKeys, inject: [ContentCipher], useFactory: (cipher: ContentCipher) => new AttachmentKeys(cipher) },
    {
      provide: AttachmentUrls,
      inject: [APP_CONFIG],
      useFactory: ({ attachments }: AppConfig) => new AttachmentUrls(attachments.urlKey, attachments.urlTtlSeconds),
    },
    {
      provide: AttachmentViews,
      inject: [ContentCipher, AttachmentUrls],
      useFactory: (cipher: ContentCipher, urls: AttachmentUrls) => new AttachmentViews(cipher, urls),
    },
  ],
  exports: [AttachmentsService, AttachmentViews],
})
export class AttachmentsModule {}
