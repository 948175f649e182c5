import styles from './SystemNotice.module.css';

/** A timeline notice the server wrote ("Alice added Bob"), centred between the bubbles. */
export function SystemNotice({ text }: { text: string }) {
  return (
    <div className={styles.row}>
      <p className={styles.notice} data-testid="system-notice">
        {text}
      </p>
    </div>
  );
}
