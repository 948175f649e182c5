import { useId, useRef, type ReactNode } from 'react';
import { useFocusTrap } from '../../hooks/useFocusTrap';
import styles from './ConfirmDialog.module.css';

interface ConfirmDialogProps {
  title: string;
  /** What the action does, under the title. */
  message?: string;
  confirmLabel: string;
  /** The action, or Enter in a field of `children`. */
  onConfirm: () => void;
  onCancel: () => void;
  /** What the answer needs besides the action: a field (a password), a refusal; the first field has the focus. */
  children?: ReactNode;
  /** The action is on its way: it cannot be asked again. */
  busy?: boolean;
  /** The action destroys something: it shows in red. */
  danger?: boolean;
}

/** A question with Cancel and one action; Escape cancels; the focus returns where it was. */
export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onCancel, children, busy = false, danger = false }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const messageId = useId();
  useFocusTrap(dialog);
  return (
    <div className={styles.overlay} onClick={onCancel}>
      <div
        ref={dialog}
        className={styles.dialog}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={message ? messageId : undefined}
        onClick={(event) => event.stopPropagation()}
        onKeyDown={(event) => {
          if (event.key !== 'Escape') return;
          // Only this dialog closes, not a panel it was opened from.
          event.stopPropagation();
          onCancel();
        }}
      >
        <h2 id={titleId} className={`${styles.title} ${message ? styles.withMessage : ''}`}>
          {title}
        </h2>
        {message && (
          <p id={messageId} className={styles.message}>
            {message}
          </p>
        )}
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (!busy) onConfirm();
          }}
          noValidate
        >
          {children}
          <div className={styles.actions}>
            <button type="button" className={styles.cancel} onClick={onCancel}>
              Cancel
            </button>
            <button type="submit" className={`${styles.confirm} ${danger ? styles.danger : ''}`} aria-disabled={busy}>
              {confirmLabel}
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
