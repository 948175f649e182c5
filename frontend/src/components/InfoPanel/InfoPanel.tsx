import { useEffect, useId, useRef, type ReactNode } from 'react';
import { IconButton } from '../IconButton/IconButton';
import { CloseIcon } from '../Icons/Icons';
import styles from './InfoPanel.module.css';

interface InfoPanelProps {
  /** "Group info", "Contact info": its heading and its name. */
  title: string;
  onClose: () => void;
  children: ReactNode;
}

/**
 * The drawer beside the open chat (over it on narrow screens), as WhatsApp Web shows a chat's
 * info. It is not modal: the chat stays usable. Opening it moves the focus to its Close
 * button; Escape or Close shuts it, and the focus goes back to what opened it.
 */
export function InfoPanel({ title, onClose, children }: InfoPanelProps) {
  const titleId = useId();
  const close = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    close.current?.focus();
    return () => opener?.focus?.();
  }, []);

  return (
    <aside
      className={styles.panel}
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        onClose();
      }}
    >
      <header className={styles.header}>
        <IconButton ref={close} label="Close" size={40} onClick={onClose}>
          <CloseIcon />
        </IconButton>
        <h2 id={titleId} className={styles.title}>
          {title}
        </h2>
      </header>
      <div className={styles.body}>{children}</div>
    </aside>
  );
}

/** One block of a panel: a white band, as WhatsApp's info sections are. */
export function InfoSection({ label, children, className = '' }: { label?: string; children: ReactNode; className?: string }) {
  return (
    <section className={`${styles.section} ${className}`} aria-label={label}>
      {children}
    </section>
  );
}

/** The first block of a panel: a large picture, the name, and lines under it, centred. */
export function InfoProfile({ children }: { children: ReactNode }) {
  return <section className={`${styles.section} ${styles.profile}`}>{children}</section>;
}

/** The name in a panel's profile. */
export function InfoName({ children }: { children: ReactNode }) {
  return <h3 className={styles.name}>{children}</h3>;
}

/** A full-width action of a panel ("Add members", "Leave group", "Block"), an icon before its text. */
export function InfoAction({ icon, danger = false, onClick, children }: { icon: ReactNode; danger?: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button type="button" className={`${styles.action} ${danger ? styles.danger : ''}`} onClick={onClick}>
      <span className={styles.actionIcon}>{icon}</span>
      {children}
    </button>
  );
}

/** A refusal or failure, shown where it happened. */
export function InfoError({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <p className={styles.error} role="alert">
      {error}
    </p>
  );
}
