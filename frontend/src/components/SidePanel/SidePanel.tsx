import { useEffect, useId, useRef, type ReactNode } from 'react';
import { BackIcon } from '../Icons/Icons';
import { IconButton } from '../IconButton/IconButton';
import styles from './SidePanel.module.css';

interface SidePanelProps {
  title: string;
  /** Back to the chat list: the back button, or Escape anywhere in the panel. */
  onClose: () => void;
  children: ReactNode;
}

/**
 * A drawer in place of the chat list, as WhatsApp Web opens Profile or Linked devices: a green
 * header with a way back over the panel's content. Its title takes the focus when it opens,
 * so a screen reader says where the user now is.
 */
export function SidePanel({ title, onClose, children }: SidePanelProps) {
  const titleId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section
      className={styles.panel}
      aria-labelledby={titleId}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onClose();
      }}
    >
      <header className={styles.header}>
        <IconButton label="Back to chats" size={40} className={styles.back} onClick={onClose}>
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
