import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { PICKER_EMOJI, QUICK_REACTIONS } from '../../lib/emoji';
import type { MessageActions } from '../../lib/messageActions';
import { EmojiPicker } from '../EmojiPicker/EmojiPicker';
import { IconButton } from '../IconButton/IconButton';
import { DownIcon } from '../Icons/Icons';
import styles from './MessageMenu.module.css';

const MENU_ITEMS = ['Reply', 'React', 'Edit', 'Delete'] as const;
type MenuItem = (typeof MENU_ITEMS)[number];

interface MessageMenuProps {
  actions: MessageActions;
  /** The user's reaction to the message. */
  mine: string | null;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The menu opens toward the middle of the chat: from the end of my bubbles, the start of theirs. */
  align: 'start' | 'end';
  onReply: () => void;
  onReact: (emoji: string) => void;
  onEdit: () => void;
  onDelete: () => void;
}

/**
 * A message's menu: a button on the bubble (shown on hover and focus, or by a long press)
 * opening the quick reactions and Reply, React, Edit, Delete. Escape or a click elsewhere
 * closes it, and the focus goes back to the button.
 */
export function MessageMenu({ actions, mine, open, onOpenChange, align, onReply, onReact, onEdit, onDelete }: MessageMenuProps) {
  const [picking, setPicking] = useState(false);
  const offered: Record<MenuItem, boolean> = { Reply: actions.reply, React: actions.react, Edit: actions.edit, Delete: actions.delete };
  const trigger = useRef<HTMLButtonElement>(null);
  const popup = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (open) (popup.current?.querySelector<HTMLElement>('[role="menuitem"]') ?? popup.current?.querySelector('button'))?.focus();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (popup.current?.contains(target) || trigger.current?.contains(target)) return;
      setPicking(false);
      onOpenChange(false);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open, onOpenChange]);

  useEffect(() => {
    if (picking) popup.current?.querySelector<HTMLElement>('[aria-label="Pick a reaction"] button')?.focus();
  }, [picking]);

  function close() {
    setPicking(false);
    onOpenChange(false);
    trigger.current?.focus();
  }

  function choose(action: () => void) {
    close();
    action();
  }

  function run(item: MenuItem) {
    if (item === 'React') setPicking(true);
    else choose({ Reply: onReply, Edit: onEdit, Delete: onDelete }[item]);
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      close();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const items = Array.from(popup.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    event.preventDefault();
    items[(at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
  }

  const react = (emoji: string) => choose(() => onReact(emoji));
  return (
    <div className={styles.menu}>
      <IconButton
        ref={trigger}
        label="Message options"
        size={26}
        className={styles.trigger}
        aria-haspopup="menu"
        aria-expanded={open}
        onClick={() => (open ? close() : onOpenChange(true))}
      >
        <DownIcon size={20} />
      </IconButton>
      {open && (
        <div ref={popup} className={`${styles.popup} ${align === 'end' ? styles.end : styles.start}`} onKeyDown={onKeyDown}>
          {actions.react &&
            (picking ? (
              <EmojiPicker emoji={PICKER_EMOJI} layout="grid" label="Pick a reaction" mine={mine} onPick={react} />
            ) : (
              <EmojiPicker emoji={QUICK_REACTIONS} layout="bar" label="React" mine={mine} onPick={react} onMore={() => setPicking(true)} />
            ))}
          {!picking && (
            <div role="menu" aria-label="Message actions" className={styles.items}>
              {MENU_ITEMS.filter((item) => offered[item]).map((item) => (
                <button key={item} type="button" role="menuitem" onClick={() => run(item)}>
                  {item}
                </button>
              ))}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
