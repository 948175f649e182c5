import type { AttachmentDto } from './dto/attachment.dto';
import { ContentCipher } from '../platform/crypto/content-cipher';
import { AttachmentUrls } from './attachment-urls';
import type { AttachmentRecord } from './attachments.repository';

/** The one place a stored attachment becomes its wire object: the name opened, fresh signed URLs. */
export class AttachmentViews {
  constructor(
    private readonly cipher: ContentCipher,
    private readonly urls: AttachmentUrls,
  ) {}

  /** A name that cannot be decrypted (damaged, or its key no longer configured) shows as "file". */
  toDto(record: AttachmentRecord): AttachmentDto {
    const ciphertext = typeof record.filename_ciphertext === 'string' ? Buffer.from(record.filename_ciphertext, 'base64') : record.filename_ciphertext;
    const name = this.cipher.tryOpen(ciphertext, record.key_id, `attachment-name:${record.id}`);
    return {
      id: record.id,
      filename: 'plaintext' in name ? name.plaintext : 'file',
      content_type: record.content_type,
      size: Number(record.size),
      width: record.width,
      height: record.height,
      url: this.urls.sign(record.id, 'original'),
      thumbnail_url: record.thumbnail_size !== null ? this.urls.sign(record.id, 'thumbnail') : null,
    };
  }
}
