import { MUTED_FOREVER } from '@chatflow/protocol';
import { useEffect, useRef, useState, type KeyboardEvent, type SyntheticEvent } from 'react';
import { createPortal } from 'react-dom';
import type { ChatSettingsChange, Conversation } from '../../api/client';
import { isMuted, isUnread } from '../../store/conversations';
import styles from './ChatMenu.module.css';

/** What a choice in the menu asks for: a change of the user's settings of the chat, or reading it. */
export type ChatMenuChoice = ChatSettingsChange | 'read';

const HOUR_MS = 3600_000;

/** WhatsApp's mute durations. */
export const MUTE_OPTIONS: Array<{ label: string; until: (now: number) => string }> = [
  { label: '8 hours', until: (now) => new Date(now + 8 * HOUR_MS).toISOString() },
  { label: '1 week', until: (now) => new Date(now + 7 * 24 * HOUR_MS).toISOString() },
  { label: 'Always', until: () => MUTED_FOREVER },
];

interface ChatMenuProps {
  conversation: Conversation;
  /** Where it opens (the pointer, or the row's chevron), in viewport pixels. */
  at: { x: number; y: number };
  onChoose: (choice: ChatMenuChoice) => void;
  onClose: () => void;
}

/**
 * A chat's menu in the list (right-click, the chevron on hover, a long press, or the context
 * menu key): Archive, Mute (for 8 hours, 1 week, always), Pin, Mark as unread or read. It opens
 * above everything (a portal: a listbox option holds no menu); Escape or a click elsewhere closes it.
 */
export function ChatMenu({ conversation, at, onChoose, onClose }: ChatMenuProps) {
  const [muting, setMuting] = useState(false);
  const popup = useRef<HTMLDivElement>(null);

  useEffect(() => {
    popup.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [muting]);

  useEffect(() => {
    const outside = (event: PointerEvent) => {
      if (!popup.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [onClose]);

  const stop = (event: SyntheticEvent) => event.stopPropagation();

  function choose(choice: ChatMenuChoice) {
    onClose();
    onChoose(choice);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    // The menu sits in its row's React tree (a portal still bubbles there): a key meant for the
    // menu (Enter on an item) must not open the chat too.
    event.stopPropagation();
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    const items = Array.from(popup.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const index = items.indexOf(document.activeElement as HTMLElement);
    items[(index + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
  }

  const muted = isMuted(conversation);
  const unread = isUnread(conversation);
  const left = Math.max(8, Math.min(at.x, window.innerWidth - 230));
  const top = Math.max(8, Math.min(at.y, window.innerHeight - 230));
  return createPortal(
    <div
      ref={popup}
      role="menu"
      aria-label={muting ? 'Mute notifications for' : 'Chat options'}
      className={styles.menu}
      style={{ left, top }}
      onKeyDown={onKeyDown}
      onContextMenu={(event) => {
        event.preventDefault();
        event.stopPropagation();
      }}
      // Choosing an item is not a click on the row (it would open the chat, and read it), nor
      // the start of a long press on it.
      onClick={stop}
      onTouchStart={stop}
    >
      {muting ? (
        <>
          <p className={styles.heading} aria-hidden="true">
            Mute notifications for…
          </p>
          {MUTE_OPTIONS.map((option) => (
            <button key={option.label} type="button" role="menuitem" onClick={() => choose({ muted_until: option.until(Date.now()) })}>
              {option.label}
            </button>
          ))}
        </>
      ) : (
        <>
          <button type="button" role="menuitem" onClick={() => choose({ archived: !conversation.archived })}>
            {conversation.archived ? 'Unarchive chat' : 'Archive chat'}
          </button>
          <button type="button" role="menuitem" onClick={() => (muted ? choose({ muted_until: null }) : setMuting(true))}>
            {muted ? 'Unmute notifications' : 'Mute notifications'}
          </button>
          {!conversation.archived && (
            <button type="button" role="menuitem" onClick={() => choose({ pinned: !conversation.pinned_at })}>
              {conversation.pinned_at ? 'Unpin chat' : 'Pin chat'}
            </button>
          )}
          <button type="button" role="menuitem" onClick={() => choose(unread ? 'read' : { marked_unread: true })}>
            {unread ? 'Mark as read' : 'Mark as unread'}
          </button>
        </>
      )}
    </div>,
    document.body,
  );
}
