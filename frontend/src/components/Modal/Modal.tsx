import { useId, useRef, type ReactNode } from 'react';
import { useFocusTrap } from '../../hooks/useFocusTrap';
import styles from '../../styles/dialog.module.css';
import { IconButton } from '../IconButton/IconButton';
import { CloseIcon } from '../Icons/Icons';

interface ModalProps {
  /** Its heading, which names it. */
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A modal dialog built around a list (the new-chat dialog, adding members): named by its
 * title, with a Close button; Escape or a click on the dimmed page closes it; the focus stays
 * inside while it is open and goes back where it was after.
 */
export function Modal({ title, onClose, children }: ModalProps) {
  const dialog = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useFocusTrap(dialog);
  return (
    <div
      className={styles.overlay}
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={dialog}
        className={styles.sheet}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          }
        }}
      >
        <header className={styles.header}>
          <h2 id={titleId} className={styles.title}>
            {title}
          </h2>
          <IconButton label="Close" size={40} onClick={onClose}>
            <CloseIcon />
          </IconButton>
        </header>
        {children}
      </div>
    </div>
  );
}
