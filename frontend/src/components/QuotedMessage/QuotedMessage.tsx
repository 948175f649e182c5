import { DELETED_MESSAGE_TEXT } from '../../lib/messages';
import { IconButton } from '../IconButton/IconButton';
import { CloseIcon } from '../Icons/Icons';
import styles from './QuotedMessage.module.css';

interface QuotedMessageProps {
  senderName: string;
  senderColor: string;
  /** The quoted text (its first characters). */
  preview: string;
  deleted: boolean;
  /** Inside a bubble: shows the original. */
  onOpen?: () => void;
  /** Above the composer: drops the reply. */
  onCancel?: () => void;
}

/** The message a reply answers: its sender and first characters, or that it was deleted. */
export function QuotedMessage({ senderName, senderColor, preview, deleted, onOpen, onCancel }: QuotedMessageProps) {
  const body = (
    <>
      <span className={styles.sender} style={{ color: senderColor }}>
        {senderName}
      </span>
      <span className={`${styles.preview} ${deleted ? styles.deleted : ''}`} dir="auto">{deleted ? DELETED_MESSAGE_TEXT : preview}</span>
    </>
  );
  if (onOpen) {
    return (
      <button type="button" className={styles.quote} style={{ borderInlineStartColor: senderColor }} onClick={onOpen} title="Show the original message">
        {body}
      </button>
    );
  }
  return (
    <div className={`${styles.quote} ${styles.replying}`} style={{ borderInlineStartColor: senderColor }} data-testid="reply-preview">
      <div className={styles.body}>{body}</div>
      {onCancel && (
        <IconButton label="Cancel reply" onClick={onCancel}>
          <CloseIcon size={20} />
        </IconButton>
      )}
    </div>
  );
}
