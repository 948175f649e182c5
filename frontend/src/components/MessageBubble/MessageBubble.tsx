import { forwardRef, memo, type ReactNode } from 'react';
import { useLongPress } from '../../hooks/useLongPress';
import { formatTime } from '../../lib/dates';
import { DELETED_MESSAGE_TEXT, UNAVAILABLE_MESSAGE_TEXT } from '../../lib/messages';
import { highlight, linkify } from '../../lib/text';
import type { DeliveryState } from '../../lib/ticks';
import { RetryIcon } from '../Icons/Icons';
import { StatusIcon } from '../StatusIcon/StatusIcon';
import styles from './MessageBubble.module.css';

interface MessageBubbleProps {
  content: string;
  createdAt: string;
  mine: boolean;
  /** Our own messages only: the clock, ticks, or the failure. */
  status?: DeliveryState;
  /** Group chats: the sender's name above the text, in the sender's colour. */
  senderName?: string;
  senderColor?: string;
  /** First message of a run from one sender: gets the bubble's tail. */
  tail?: boolean;
  query?: string;
  currentHit?: boolean;
  error?: string;
  onRetry?: () => void;
  /** "edited" beside the time. */
  edited?: boolean;
  /** Deleted for everyone: the bubble says so instead of the text. */
  deleted?: boolean;
  /** The server cannot decrypt it: the bubble says it cannot be displayed, like a deleted one. */
  unavailable?: boolean;
  /** The message this one replies to, above the text. */
  quote?: ReactNode;
  /** Its pictures and files, above the text (which is then their caption). */
  attachments?: ReactNode;
  /** The message's menu, in the bubble's corner (shown on hover and focus). */
  menu?: ReactNode;
  /** The reactions, under the bubble. */
  reactions?: ReactNode;
  /** Briefly highlighted: the user jumped here from a reply. */
  flash?: boolean;
  /** A finger resting on the bubble (touch screens have no hover). */
  onLongPress?: () => void;
}

/**
 * One message. Its text is rendered as React text nodes, never as HTML; http(s) URLs become
 * links that open in a new tab without access to this page.
 */
export const MessageBubble = memo(
  forwardRef<HTMLDivElement, MessageBubbleProps>(function MessageBubble(
    {
      content,
      createdAt,
      mine,
      status,
      senderName,
      senderColor,
      tail = false,
      query = '',
      currentHit = false,
      error,
      onRetry,
      edited = false,
      deleted = false,
      unavailable = false,
      quote,
      attachments,
      menu,
      reactions,
      flash = false,
      onLongPress,
    },
    ref,
  ) {
    const segments = highlight(linkify(content), query);
    const time = formatTime(createdAt);
    const press = useLongPress(onLongPress);
    return (
      <div ref={ref} className={`${styles.row} ${mine ? styles.mine : styles.theirs} ${tail ? styles.tail : ''}`} {...press}>
        <div className={styles.column}>
          <div className={`${styles.bubble} ${currentHit ? styles.current : ''} ${flash ? styles.flash : ''}`} data-testid="message">
            {menu && <div className={styles.menuSlot}>{menu}</div>}
            {senderName && (
              <div className={styles.sender} style={{ color: senderColor }}>
                {senderName}
              </div>
            )}
            {quote}
            {attachments}
            {/* The text's own direction: Hebrew or Arabic reads and aligns from the right. */}
            <div className={`${styles.text} ${edited ? styles.editedText : ''}`} dir="auto" data-testid="message-text">
              {deleted && (
                <span className={styles.deleted}>
                  <span aria-hidden="true">🚫 </span>
                  {DELETED_MESSAGE_TEXT}
                </span>
              )}
              {unavailable && !deleted && (
                <span className={styles.deleted}>
                  <span aria-hidden="true">⚠️ </span>
                  {UNAVAILABLE_MESSAGE_TEXT}
                </span>
              )}
              {segments.map((segment, index) => {
                if (segment.kind === 'link') {
                  return (
                    <a key={index} href={segment.href} target="_blank" rel="noopener noreferrer" className={styles.link}>
                      {segment.text}
                    </a>
                  );
                }
                if (segment.kind === 'hit') {
                  return (
                    <mark key={index} className={styles.hit}>
                      {segment.text}
                    </mark>
                  );
                }
                return <span key={index}>{segment.text}</span>;
              })}
              <span className={styles.spacer} aria-hidden="true" />
            </div>
            <span className={styles.meta}>
              {edited && <span className={styles.edited}>edited</span>}
              <time dateTime={createdAt}>{time}</time>
              {status && <StatusIcon state={status} />}
            </span>
          </div>
          {reactions}
          {status === 'failed' && error && <p className={styles.reason}>Not sent: {error}</p>}
        </div>
        {status === 'failed' && onRetry && (
          <button type="button" className={styles.retry} onClick={onRetry} title={error}>
            <RetryIcon size={16} />
            <span>Retry</span>
          </button>
        )}
      </div>
    );
  }),
);
