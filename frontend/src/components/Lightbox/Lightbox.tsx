import { useRef, type KeyboardEvent, type SyntheticEvent } from 'react';
import { createPortal } from 'react-dom';
import type { Attachment } from '../../api/client';
import { useFocusTrap } from '../../hooks/useFocusTrap';
import { formatBytes } from '../../lib/attachments';
import { IconButton } from '../IconButton/IconButton';
import { CloseIcon, DownloadIcon, NextIcon, PreviousIcon } from '../Icons/Icons';
import { Picture } from '../Picture/Picture';
import styles from './Lightbox.module.css';

interface LightboxProps {
  /** The pictures of one message; `index` is the one shown. */
  images: Attachment[];
  index: number;
  onIndex: (index: number) => void;
  onClose: () => void;
  previews?: Record<string, string>;
  onExpired?: () => Promise<boolean>;
}

/**
 * A message's picture at full size over the page, with its name and a download link. A
 * modal dialog: Escape or a click beside the picture closes it, the focus stays inside and
 * goes back to the picture that opened it; the arrow keys go through the message's pictures.
 */
export function Lightbox({ images, index, onIndex, onClose, previews, onExpired }: LightboxProps) {
  const dialog = useRef<HTMLDivElement>(null);
  useFocusTrap(dialog);
  const image = images[index]!;
  const count = images.length;
  const go = (step: number) => onIndex((index + step + count) % count);

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
    } else if (event.key === 'ArrowRight' && count > 1) {
      event.preventDefault();
      go(1);
    } else if (event.key === 'ArrowLeft' && count > 1) {
      event.preventDefault();
      go(-1);
    }
  }

  // Over the whole page, outside the message log (whose additions are announced); a portal
  // still bubbles through its message's React tree, so clicks and touches stop here (keys go
  // on: the focus trap listens on the document).
  const stop = (event: SyntheticEvent) => event.stopPropagation();
  return createPortal(
    <div
      className={styles.overlay}
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
      onClick={stop}
      onTouchStart={stop}
      onContextMenu={stop}
    >
      <div ref={dialog} className={styles.dialog} role="dialog" aria-modal="true" aria-label={image.filename} onKeyDown={onKeyDown}>
        <header className={styles.header}>
          <div className={styles.caption}>
            <span className={styles.name}>{image.filename}</span>
            <span className={styles.details}>
              {count > 1 ? `${index + 1} of ${count} · ` : ''}
              {formatBytes(image.size)}
            </span>
          </div>
          <a className={styles.download} href={image.url} download={image.filename} target="_blank" rel="noopener noreferrer" aria-label={`Download ${image.filename}`}>
            <DownloadIcon />
          </a>
          <IconButton label="Close" size={40} className={styles.button} onClick={onClose} autoFocus>
            <CloseIcon />
          </IconButton>
        </header>
        <div
          className={styles.stage}
          onMouseDown={(event) => {
            if (event.target === event.currentTarget) onClose();
          }}
        >
          {count > 1 && (
            <IconButton label="Previous photo" size={44} className={styles.button} onClick={() => go(-1)}>
              <PreviousIcon />
            </IconButton>
          )}
          <Picture key={image.id} src={previews?.[image.id] ?? image.url} alt={image.filename} className={styles.full} onExpired={onExpired} />
          {count > 1 && (
            <IconButton label="Next photo" size={44} className={styles.button} onClick={() => go(1)}>
              <NextIcon />
            </IconButton>
          )}
        </div>
      </div>
    </div>,
    document.body,
  );
}
