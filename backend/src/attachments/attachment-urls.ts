import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Variant } from './storage/blob-store';

/**
 * Signed attachment URLs: `/attachments/{id}/{variant}?expires=<unix seconds>&signature=<HMAC>`,
 * the HMAC-SHA256 of id, variant and expiry under a key of this purpose only. A browser loads
 * them without an Authorization header (an <img src>); whoever holds one reads that file, in
 * that variant, until it expires — nobody can make one for another file or a later time.
 */
export class AttachmentUrls {
  constructor(
    private readonly key: Buffer,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  sign(attachmentId: string, variant: Variant): string {
    const expires = Math.floor(this.now() / 1000) + this.ttlSeconds;
    return `/attachments/${attachmentId}/${variant}?expires=${expires}&signature=${this.signature(attachmentId, variant, expires)}`;
  }

  /** 'ok', or why the URL is refused: expired, or not signed by us for this file and variant. */
  verify(attachmentId: string, variant: Variant, expires: string | undefined, signature: string | undefined): 'ok' | 'expired' | 'invalid' {
    if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return 'invalid';
    const expected = Buffer.from(this.signature(attachmentId, variant, Number(expires)));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(expires) * 1000 < this.now() ? 'expired' : 'ok';
  }

  private signature(attachmentId: string, variant: Variant, expires: number): string {
    return createHmac('sha256', this.key).update(`attachment-url\n${attachmentId.toLowerCase()}\n${variant}\n${expires}`).digest('base64url');
  }
}
