import { MAX_CONTENT_CHARACTERS } from '@chatflow/protocol';
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { sendableContent } from '../../lib/text';
import { SendIcon } from '../Icons/Icons';
import styles from './Composer.module.css';

const MAX_HEIGHT_PX = 140;

interface ComposerProps {
  onSend: (text: string) => void;
  /** Called on each keystroke that changes the text (the session throttles what it sends). */
  onTyping?: () => void;
  onStopTyping?: () => void;
}

/** The message box: grows with its text; Enter sends, Shift+Enter starts a new line. */
export function Composer({ onSend, onTyping, onStopTyping }: ComposerProps) {
  const [text, setText] = useState('');
  const ref = useRef<HTMLTextAreaElement>(null);
  const canSend = sendableContent(text) !== null;

  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight, MAX_HEIGHT_PX)}px`;
    box.style.overflowY = box.scrollHeight > MAX_HEIGHT_PX ? 'auto' : 'hidden';
  }, [text]);

  function send() {
    if (!canSend) return;
    onSend(text);
    setText('');
    ref.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // While an input method is composing (Japanese, Chinese…), Enter confirms the composition.
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form
      className={styles.composer}
      onSubmit={(event) => {
        event.preventDefault();
        send();
      }}
    >
      <label htmlFor="composer-input" className="visually-hidden">
        Type a message
      </label>
      <textarea
        id="composer-input"
        ref={ref}
        className={styles.input}
        rows={1}
        placeholder="Type a message"
        value={text}
        // The browser counts maxLength in UTF-16 units, so text full of emoji stops short of
        // the server's limit, never past it.
        maxLength={MAX_CONTENT_CHARACTERS}
        onChange={(event) => {
          setText(event.target.value);
          if (event.target.value.trim()) onTyping?.();
          else onStopTyping?.();
        }}
        onKeyDown={onKeyDown}
        onBlur={() => onStopTyping?.()}
        autoFocus
      />
      <button type="submit" className={styles.send} aria-label="Send" title="Send" disabled={!canSend}>
        <SendIcon />
      </button>
    </form>
  );
}
