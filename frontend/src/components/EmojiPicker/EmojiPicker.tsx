import styles from './EmojiPicker.module.css';

interface EmojiPickerProps {
  emoji: readonly string[];
  /** The quick reactions in a row (a toolbar), or the fuller set in a grid. */
  layout: 'bar' | 'grid';
  label: string;
  /** The user's reaction to the message, shown pressed. */
  mine: string | null;
  onPick: (emoji: string) => void;
  /** A "+" at the end of the row, opening more. */
  onMore?: () => void;
}

/** Emoji to react with, one click each. */
export function EmojiPicker({ emoji, layout, label, mine, onPick, onMore }: EmojiPickerProps) {
  return (
    <div className={styles[layout]} role={layout === 'bar' ? 'toolbar' : 'group'} aria-label={label}>
      {emoji.map((each) => (
        <button
          key={each}
          type="button"
          className={`${styles.emoji} ${each === mine ? styles.mine : ''}`}
          aria-pressed={each === mine}
          onClick={() => onPick(each)}
        >
          {each}
        </button>
      ))}
      {onMore && (
        <button type="button" className={`${styles.emoji} ${styles.more}`} aria-label="More reactions" title="More reactions" onClick={onMore}>
          +
        </button>
      )}
    </div>
  );
}
