import { useEffect, useId, useRef, type ReactNode } from 'react';
import { BackIcon } from '../Icons/Icons';
import { IconButton } from '../IconButton/IconButton';
import styles from './SidePanel.module.css';

/** What a panel shown in a SidePanel takes from whoever opens it. */
export interface PanelProps {
  /** Back where it was opened from: the back button, or Escape anywhere in the panel. */
  onClose: () => void;
  /** Names the back button by where it leads ("Back to chats", "Back to settings"). */
  backLabel?: string;
}

interface SidePanelProps extends PanelProps {
  title: string;
  children: ReactNode;
}

/**
 * A drawer in place of the chat list, as WhatsApp Web opens Profile or Linked devices: a green
 * header with a way back over the panel's content. Its title takes the focus when it opens,
 * so a screen reader says where the user now is — unless something in it took the focus as
 * it opened (the entry the user comes back to, from a panel it opened).
 */
export function SidePanel({ title, onClose, backLabel = 'Back to chats', children }: SidePanelProps) {
  const titleId = useId();
  const panel = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (!panel.current?.contains(document.activeElement)) heading.current?.focus();
  }, []);
  return (
    <section
      ref={panel}
      className={styles.panel}
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <header className={styles.header}>
        <IconButton label={backLabel} size={40} className={styles.back} onClick={onClose}>
          <BackIcon />
        </IconButton>
        <h2 id={titleId} ref={heading} tabIndex={-1} className={styles.title}>
          {title}
        </h2>
      </header>
      {children}
    </section>
  );
}
