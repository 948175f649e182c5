import { forwardRef, memo } from 'react';
import { formatTime } from '../../lib/dates';
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
}

/**
 * One message. Its text is rendered as React text nodes, never as HTML; http(s) URLs become
 * links that open in a new tab without access to this page.
 */
export const MessageBubble = memo(
  forwardRef<HTMLDivElement, MessageBubbleProps>(function MessageBubble(
    { content, createdAt, mine, status, senderName, senderColor, tail = false, query = '', currentHit = false, error, onRetry },
    ref,
  ) {
    const segments = highlight(linkify(content), query);
    const time = formatTime(createdAt);
    return (
      <div ref={ref} className={`${styles.row} ${mine ? styles.mine : styles.theirs} ${tail ? styles.tail : ''}`}>
        <div className={`${styles.bubble} ${currentHit ? styles.current : ''}`} data-testid="message">
          {senderName && (
            <div className={styles.sender} style={{ color: senderColor }}>
              {senderName}
            </div>
          )}
          <div className={styles.text}>
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
            <time dateTime={createdAt}>{time}</time>
            {status && <StatusIcon state={status} />}
          </span>
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
