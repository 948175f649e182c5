import { countCharacters, MAX_CONTENT_CHARACTERS } from '@chatflow/protocol';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { AttachmentTray, OutgoingFiles } from '../../hooks/useAttachmentTray';
import { ACCEPTED_FILES } from '../../lib/attachments';
import { PICKER_EMOJI } from '../../lib/emoji';
import { captionContent, sendableContent } from '../../lib/text';
import { AttachmentTrayView } from '../AttachmentTray/AttachmentTray';
import { EmojiPicker } from '../EmojiPicker/EmojiPicker';
import { IconButton } from '../IconButton/IconButton';
import { AttachIcon, CheckIcon, CloseIcon, EmojiIcon, SendIcon } from '../Icons/Icons';
import styles from './Composer.module.css';

const MAX_HEIGHT_PX = 140;
/** The counter shows once this few characters are left (or fewer). */
export const COUNTER_FROM_REMAINING = 200;

interface ComposerProps {
  /** The text, and the files of the tray when there are any (the text is then their caption, and may be empty). */
  onSend: (text: string, files?: OutgoingFiles) => void;
  /** Called on each keystroke that changes the text (the session throttles what it sends). */
  onTyping?: () => void;
  onStopTyping?: () => void;
  /** The message being edited: the box holds its text, and Enter saves it. */
  editing?: { id: string; content: string } | null;
  /** The message being replied to, shown above the box. */
  replyTo?: ReactNode;
  /** Changes when the box should take the focus: an edit or a reply begins (the id of its message). */
  focusKey?: string;
  /** Escape (or the ×): stop editing or replying. */
  onCancel?: () => void;
  /** Up arrow in an empty box: edits the user's last message; false when there is none to edit. */
  onEditLast?: () => boolean;
  /** What the user had typed here and not sent (the box starts with it). */
  draft?: string;
  /** The text changed (not while editing a message): the chat's draft. */
  onDraft?: (text: string) => void;
  /** The files for the next message (the attach button, pasted files): without it, text only. */
  attachments?: AttachmentTray;
}

function characters(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'character' : 'characters'}`;
}

/**
 * The message box: grows with its text; Enter sends, Shift+Enter starts a new line. It also
 * edits a message in place ("Editing", with the original text) and shows the message a reply answers.
 */
export function Composer({
  onSend,
  onTyping,
  onStopTyping,
  editing = null,
  replyTo,
  focusKey,
  onCancel,
  onEditLast,
  draft = '',
  onDraft,
  attachments,
}: ComposerProps) {
  const [text, setText] = useState(draft);
  // The draft as it stands while an edit borrows the box, to give back once the edit ends.
  const [kept, setKept] = useState(draft);
  const [editingId, setEditingId] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  // Send was pressed while files were still uploading: it goes once they are all up.
  const [waiting, setWaiting] = useState(false);
  const ref = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const tray = editing ? undefined : attachments;
  const withFiles = Boolean(tray?.files.length);
  const canSend = withFiles ? captionContent(text) !== null && !tray!.failed : sendableContent(text) !== null;
  // Counted as the server counts: code points of the trimmed text.
  const remaining = MAX_CONTENT_CHARACTERS - countCharacters(text.trim());

  // Starting an edit puts the message's text in the box; ending it gives the draft back.
  if ((editing?.id ?? null) !== editingId) {
    if (!editingId) setKept(text);
    setEditingId(editing?.id ?? null);
    setText(editing?.content ?? (editingId ? kept : ''));
  }

  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    box.style.height = 'auto';
    box.style.height = `${Math.min(box.scrollHeight, MAX_HEIGHT_PX)}px`;
    box.style.overflowY = box.scrollHeight > MAX_HEIGHT_PX ? 'auto' : 'hidden';
  }, [text]);

  useEffect(() => {
    const box = ref.current;
    if (!box || !focusKey) return;
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  }, [focusKey]);

  function change(next: string) {
    setText(next);
    if (!editing) onDraft?.(next);
  }

  /** Puts an emoji where the cursor is (replacing a selection), and the cursor after it. */
  function insert(emoji: string) {
    const box = ref.current;
    const start = box?.selectionStart ?? text.length;
    const end = box?.selectionEnd ?? text.length;
    change(text.slice(0, start) + emoji + text.slice(end));
    requestAnimationFrame(() => {
      box?.focus();
      box?.setSelectionRange(start + emoji.length, start + emoji.length);
    });
  }

  function send() {
    if (!canSend || waiting) return;
    if (tray && withFiles) {
      // Sent as WhatsApp sends: at once if the files are up, else as soon as they are. The caption
      // leaves the box now; should an upload fail, it comes back with the tray saying why.
      const caption = text;
      change('');
      setWaiting(true);
      tray.whenUploaded((ok) => {
        setWaiting(false);
        if (ok) onSend(caption, tray.take());
        else setText((now) => (now === '' ? caption : now));
      });
    } else {
      onSend(text);
      if (editing) setText('');
      else change('');
    }
    ref.current?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    // While an input method is composing (Japanese, Chinese…), Enter confirms the composition.
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      send();
    } else if (event.key === 'Escape' && picking) {
      event.preventDefault();
      setPicking(false);
    } else if (event.key === 'Escape' && (editing || replyTo)) {
      event.preventDefault();
      onCancel?.();
    } else if (event.key === 'ArrowUp' && text === '' && !editing && onEditLast?.()) {
      event.preventDefault();
    }
  }

  return (
    <div className={styles.wrap}>
      {editing && (
        <div className={styles.banner} data-testid="editing">
          <div className={styles.bannerBody}>
            <span className={styles.bannerTitle}>Editing</span>
            <span className={styles.original}>{editing.content}</span>
          </div>
          <IconButton label="Cancel editing" onClick={onCancel}>
            <CloseIcon size={20} />
          </IconButton>
        </div>
      )}
      {!editing && replyTo && <div className={styles.banner}>{replyTo}</div>}
      {tray && (withFiles || tray.notice) && <AttachmentTrayView tray={tray} waiting={waiting} />}
      {picking && (
        <div
          className={styles.emoji}
          onKeyDown={(event) => {
            if (event.key !== 'Escape') return;
            event.preventDefault();
            setPicking(false);
            ref.current?.focus();
          }}
        >
          <EmojiPicker emoji={PICKER_EMOJI} layout="grid" label="Emoji" mine={null} onPick={insert} />
        </div>
      )}
      <form
        className={styles.composer}
        onSubmit={(event) => {
          event.preventDefault();
          send();
        }}
      >
        <IconButton
          label={picking ? 'Close emoji' : 'Emoji'}
          size={40}
          aria-expanded={picking}
          className={styles.tool}
          onClick={() => setPicking((open) => !open)}
        >
          {picking ? <CloseIcon size={24} /> : <EmojiIcon size={24} />}
        </IconButton>
        {tray && (
          <>
            <IconButton label="Attach" size={40} className={styles.tool} onClick={() => picker.current?.click()}>
              <AttachIcon size={24} />
            </IconButton>
            <input
              ref={picker}
              type="file"
              multiple
              accept={ACCEPTED_FILES}
              className="visually-hidden"
              tabIndex={-1}
              aria-label="Attach files"
              data-testid="attach-input"
              onChange={(event) => {
                tray.add(Array.from(event.target.files ?? []));
                // The same file can be picked again after it was removed.
                event.target.value = '';
                ref.current?.focus();
              }}
            />
          </>
        )}
        <label htmlFor="composer-input" className="visually-hidden">
          Type a message
        </label>
        <textarea
          id="composer-input"
          ref={ref}
          className={styles.input}
          rows={1}
          placeholder={withFiles ? 'Add a caption' : 'Type a message'}
          dir="auto"
          value={text}
          // No maxLength: the browser would cut a long paste short without a word; the counter
          // says how much is over, and the message cannot be sent until it fits.
          aria-invalid={remaining < 0}
          aria-describedby={remaining <= COUNTER_FROM_REMAINING ? 'composer-counter' : undefined}
          onChange={(event) => {
            change(event.target.value);
            if (editing) return;
            if (event.target.value.trim()) onTyping?.();
            else onStopTyping?.();
          }}
          onKeyDown={onKeyDown}
          onPaste={(event) => {
            // A picture copied (a screenshot) or files copied in a file manager go to the tray, not into the text.
            const files = Array.from(event.clipboardData.files);
            if (!tray || !files.length) return;
            event.preventDefault();
            tray.add(files);
          }}
          onBlur={() => onStopTyping?.()}
          autoFocus
        />
        <button
          type="submit"
          className={styles.send}
          aria-label={editing ? 'Save' : 'Send'}
          title={editing ? 'Save' : 'Send'}
          disabled={!canSend || waiting}
          aria-busy={waiting}
        >
          {editing ? <CheckIcon /> : <SendIcon />}
        </button>
      </form>
      {remaining <= COUNTER_FROM_REMAINING && (
        <p id="composer-counter" className={remaining < 0 ? styles.over : styles.counter} data-testid="char-counter" aria-live="polite">
          {remaining < 0
            ? `${characters(-remaining)} too many: a message can have at most ${characters(MAX_CONTENT_CHARACTERS)}.`
            : `${characters(remaining)} left`}
        </p>
      )}
    </div>
  );
}
