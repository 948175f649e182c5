import { useState } from 'react';
import type { Attachment } from '../../api/client';
import { attachmentKind, displaySize, fileBadge, formatBytes } from '../../lib/attachments';
import { DownloadIcon, FileIcon } from '../Icons/Icons';
import { Lightbox } from '../Lightbox/Lightbox';
import { Picture } from '../Picture/Picture';
import styles from './MessageAttachments.module.css';

interface MessageAttachmentsProps {
  attachments: Attachment[];
  /** Our own message on its way: its pictures as picked on this page (attachment id → object URL). */
  previews?: Record<string, string>;
  /**
   * A picture failed to load (its signed URL has likely expired): asks for fresh URLs, which
   * come back as new props; resolves false when none will come (the picture then says so).
   */
  onExpired?: () => Promise<boolean>;
}

/**
 * The files of a message, above its caption: pictures at their own aspect ratio (the space
 * kept before they load), opening in a lightbox; videos and audio in the browser's players;
 * other files as cards to download.
 */
export function MessageAttachments({ attachments, previews, onExpired }: MessageAttachmentsProps) {
  const [open, setOpen] = useState<number | null>(null);
  const images = attachments.filter((a) => attachmentKind(a) === 'image');
  const others = attachments.filter((a) => attachmentKind(a) !== 'image');
  const single = images.length === 1;
  return (
    <div className={styles.attachments}>
      {images.length > 0 && (
        <div className={single ? styles.single : styles.grid}>
          {images.map((image, index) => (
            <button
              key={image.id}
              type="button"
              className={styles.imageButton}
              aria-label={`Open photo ${image.filename}`}
              onClick={() => setOpen(index)}
            >
              <Picture
                src={previews?.[image.id] ?? image.thumbnail_url ?? image.url}
                alt={image.filename}
                size={single ? displaySize(image) : undefined}
                className={single ? undefined : styles.tile}
                onExpired={onExpired}
              />
            </button>
          ))}
        </div>
      )}
      {others.map((attachment) => {
        const kind = attachmentKind(attachment);
        if (kind === 'video') {
          const size = displaySize(attachment);
          return (
            <video
              key={attachment.id}
              className={styles.video}
              src={attachment.url}
              controls
              preload="metadata"
              aria-label={attachment.filename}
              style={attachment.width && attachment.height ? size : undefined}
              // Its link may have expired: fresh ones come as new props (the player reloads).
              onError={() => void onExpired?.()}
            />
          );
        }
        if (kind === 'audio') {
          return (
            <div key={attachment.id} className={styles.audio}>
              <audio src={attachment.url} controls preload="metadata" aria-label={attachment.filename} onError={() => void onExpired?.()} />
              <FileCard attachment={attachment} />
            </div>
          );
        }
        return <FileCard key={attachment.id} attachment={attachment} />;
      })}
      {open !== null && images[open] && (
        <Lightbox images={images} index={open} onIndex={setOpen} previews={previews} onClose={() => setOpen(null)} onExpired={onExpired} />
      )}
    </div>
  );
}

/** A file to download: an icon with its type, its name and size. */
export function FileCard({ attachment }: { attachment: Attachment }) {
  return (
    <a
      className={styles.card}
      href={attachment.url}
      download={attachment.filename}
      target="_blank"
      rel="noopener noreferrer"
      aria-label={`Download ${attachment.filename}, ${formatBytes(attachment.size)}`}
      data-testid="file-card"
    >
      <span className={styles.cardIcon} aria-hidden="true">
        <FileIcon size={30} />
        <span className={styles.badge}>{fileBadge(attachment.filename)}</span>
      </span>
      <span className={styles.cardBody}>
        <span className={styles.cardName} dir="auto">
          {attachment.filename}
        </span>
        <span className={styles.cardSize}>
          {fileBadge(attachment.filename)} · {formatBytes(attachment.size)}
        </span>
      </span>
      <DownloadIcon size={22} className={styles.cardDownload} />
    </a>
  );
}
