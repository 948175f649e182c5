import type { Reaction } from '@chatflow/protocol';
import styles from './ReactionChips.module.css';

interface ReactionChipsProps {
  reactions: Reaction[];
  meId: string;
  /** A user's name as the reader knows them ("You" for the reader). */
  nameOf: (userId: string) => string;
  /** Takes the user's reaction back when it is this emoji, else reacts with it; without it (a chat the user left) the chips only show. */
  onToggle?: (emoji: string) => void;
}

/** The reactions under a bubble, largest first, each with its count and who reacted (on hover and for screen readers). */
export function ReactionChips({ reactions, meId, nameOf, onToggle }: ReactionChipsProps) {
  if (!reactions.length) return null;
  return (
    <div className={styles.chips} role="group" aria-label="Reactions">
      {reactions.map(({ emoji, count, user_ids }) => {
        const mine = user_ids.includes(meId);
        const who = user_ids.map(nameOf).join(', ');
        return (
          <button
            key={emoji}
            type="button"
            className={`${styles.chip} ${mine ? styles.mine : ''}`}
            aria-pressed={mine}
            aria-label={`${emoji} ${count}: ${who}`}
            title={who}
            disabled={!onToggle}
            onClick={() => onToggle?.(emoji)}
          >
            <span aria-hidden="true">{emoji}</span>
            {count > 1 && <span className={styles.count}>{count}</span>}
          </button>
        );
      })}
    </div>
  );
}
