import { useCallback, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { ApiError } from '../../api/client';
import type { Conversation } from '../../api/client';
import { useLongPress } from '../../hooks/useLongPress';
import { useNameOf } from '../../hooks/useNameOf';
import { useTypingUsers } from '../../hooks/useTypingUsers';
import { messagePreview } from '../../lib/attachments';
import { listTimestamp } from '../../lib/dates';
import { DELETED_MESSAGE_TEXT, UNAVAILABLE_MESSAGE_TEXT } from '../../lib/messages';
import { conversationTitle, displayName, handleOf, otherParticipant } from '../../lib/names';
import { systemNoticeText } from '../../lib/systemNotice';
import { statusFromReceipts, type DeliveryState } from '../../lib/ticks';
import { useChatSession, useConversations, useDraft, useMessages, usePresence } from '../../store/ChatSessionContext';
import { activityOf, isListed, isMuted, sortConversations } from '../../store/conversations';
import { Avatar } from '../Avatar/Avatar';
import { ChatMenu, type ChatMenuChoice } from '../ChatMenu/ChatMenu';
import { DownIcon, MutedIcon, PinIcon } from '../Icons/Icons';
import { StatusIcon } from '../StatusIcon/StatusIcon';
import styles from './ConversationList.module.css';

interface ConversationListProps {
  meId: string;
  /** Filters rows by title or member name (the sidebar's search box). */
  filter?: string;
  /** The main list, or the archived chats (a search looks through both). */
  view?: 'chats' | 'archived';
  onSelect: (conversationId: string) => void;
  /** A change from a chat's menu was refused (e.g. a fourth pin): what to tell the user. */
  onRefused?: (why: string) => void;
}

/**
 * The chat list: pinned chats on top, then the most recent first; unread ones bold with a green
 * badge (grey when muted). A listbox: arrows move, Enter opens, the context menu key (or a
 * right-click, the chevron, a long press) opens a chat's menu. Archived chats have a list of
 * their own; a one-on-one someone else started shows from its first message.
 */
export function ConversationList({ meId, filter = '', view = 'chats', onSelect, onRefused }: ConversationListProps) {
  const byId = useConversations((s) => s.byId);
  const loaded = useConversations((s) => s.loaded);
  const activeId = useConversations((s) => s.activeId);
  const [focusIndex, setFocusIndex] = useState(0);
  const listRef = useRef<HTMLUListElement>(null);

  const rows = useMemo(() => {
    const needle = filter.trim().toLocaleLowerCase();
    const all = sortConversations(Object.values(byId).filter((c) => isListed(c, meId)));
    if (!needle) return all.filter((c) => Boolean(c.archived) === (view === 'archived'));
    return all.filter(
      (c) =>
        conversationTitle(c, meId).toLocaleLowerCase().includes(needle) ||
        c.participants.some((p) => p.id !== meId && `${displayName(p)} ${handleOf(p) ?? ''}`.toLocaleLowerCase().includes(needle)),
    );
  }, [byId, filter, meId, view]);

  const activeIndex = rows.findIndex((c) => c.id === activeId);
  const tabIndexRow = Math.min(focusIndex, Math.max(rows.length - 1, 0));

  function focusRow(index: number) {
    const clamped = Math.max(0, Math.min(rows.length - 1, index));
    setFocusIndex(clamped);
    listRef.current?.querySelectorAll<HTMLElement>('[role="option"]')[clamped]?.focus();
  }

  function onKeyDown(event: KeyboardEvent<HTMLElement>, index: number, id: string) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        focusRow(index + 1);
        break;
      case 'ArrowUp':
        event.preventDefault();
        focusRow(index - 1);
        break;
      case 'Home':
        event.preventDefault();
        focusRow(0);
        break;
      case 'End':
        event.preventDefault();
        focusRow(rows.length - 1);
        break;
      case 'Enter':
      case ' ':
        event.preventDefault();
        onSelect(id);
        break;
      default:
        break;
    }
  }

  if (!loaded) {
    return (
      <p className={styles.empty} role="status">
        Loading chats…
      </p>
    );
  }
  if (rows.length === 0) {
    return (
      <p className={styles.empty} role="status">
        {filter.trim() ? 'No chats found' : view === 'archived' ? 'No archived chats' : 'No chats yet. Start one with the new chat button.'}
      </p>
    );
  }

  return (
    <ul ref={listRef} className={styles.list} role="listbox" aria-label="Chat list">
      {rows.map((conversation, index) => (
        <Row
          key={conversation.id}
          conversation={conversation}
          meId={meId}
          selected={conversation.id === activeId}
          tabbable={activeIndex >= 0 ? index === activeIndex : index === tabIndexRow}
          onSelect={() => {
            setFocusIndex(index);
            onSelect(conversation.id);
          }}
          onKeyDown={(event) => onKeyDown(event, index, conversation.id)}
          onFocus={() => setFocusIndex(index)}
          onRefused={onRefused}
        />
      ))}
    </ul>
  );
}

interface RowProps {
  conversation: Conversation;
  meId: string;
  selected: boolean;
  tabbable: boolean;
  onSelect: () => void;
  onKeyDown: (event: KeyboardEvent<HTMLElement>) => void;
  onFocus: () => void;
  onRefused?: (why: string) => void;
}

function Row({ conversation, meId, selected, tabbable, onSelect, onKeyDown, onFocus, onRefused }: RowProps) {
  const session = useChatSession();
  const rowRef = useRef<HTMLLIElement>(null);
  const [menuAt, setMenuAt] = useState<{ x: number; y: number } | null>(null);
  const openMenuBelow = (element: Element) => {
    const rect = element.getBoundingClientRect();
    setMenuAt({ x: rect.right - 210, y: rect.bottom });
  };
  const closeMenu = useCallback(() => {
    setMenuAt(null);
    rowRef.current?.focus();
  }, []);
  const longPress = useLongPress(() => rowRef.current && openMenuBelow(rowRef.current));
  function choose(choice: ChatMenuChoice) {
    const done = choice === 'read' ? Promise.resolve(session.markRead(conversation.id)) : session.changeChatSettings(conversation.id, choice);
    done.catch((error: unknown) => onRefused?.(error instanceof ApiError ? error.message : 'That did not work. Try again.'));
  }
  const title = conversationTitle(conversation, meId);
  const other = otherParticipant(conversation, meId);
  const online = usePresence((s) => (other ? (s.users[other.id]?.online ?? other.is_online) : false));
  const receipts = useConversations((s) => s.receipts[conversation.id]);
  const last = conversation.last_message;
  const localState = useMessages((s) =>
    last?.client_id ? s.threads[conversation.id]?.items.find((m) => m.local && m.client_id === last.client_id)?.local : undefined,
  );
  const typing = useTypingUsers(conversation.id, meId);
  // The open chat's draft is in its composer; the others say they have one, as WhatsApp does.
  const draft = useDraft(conversation.id);
  const nameOf = useNameOf(meId);
  const unread = conversation.unread_count;
  const muted = isMuted(conversation);
  const deleted = last?.deleted_at != null;
  const notice = last?.kind === 'system' && last.system ? systemNoticeText(last.system, nameOf, meId) : null;

  let tick: DeliveryState | null = null;
  if (last && last.sender_id === meId && !deleted && !notice) {
    tick =
      localState ??
      (last.id.startsWith('local:')
        ? 'sending'
        : statusFromReceipts(
            last,
            conversation.participants.map((p) => p.id),
            receipts ?? {},
          ));
  }
  const senderName = last && conversation.is_group_chat && last.sender_id !== meId && !notice ? nameOf(last.sender_id) : null;
  const typingText =
    typing.length === 0
      ? null
      : conversation.is_group_chat
        ? `${typing.map((id) => firstName(conversation, id)).join(', ')} ${typing.length > 1 ? 'are' : 'is'} typing…`
        : 'typing…';
  const time = listTimestamp(activityOf(conversation));
  const previewText =
    notice ?? (deleted ? `🚫 ${DELETED_MESSAGE_TEXT}` : last?.unavailable ? `⚠️ ${UNAVAILABLE_MESSAGE_TEXT}` : (last ? messagePreview(last) : 'No messages yet'));
  return (
    <li
      ref={rowRef}
      role="option"
      aria-selected={selected}
      aria-haspopup="menu"
      tabIndex={tabbable ? 0 : -1}
      className={`${styles.row} ${selected ? styles.selected : ''} ${unread > 0 || conversation.marked_unread ? styles.unread : ''}`}
      onClick={onSelect}
      onKeyDown={(event) => {
        if (event.key === 'ContextMenu' || (event.key === 'F10' && event.shiftKey)) {
          event.preventDefault();
          openMenuBelow(event.currentTarget);
        } else {
          onKeyDown(event);
        }
      }}
      onContextMenu={(event: MouseEvent) => {
        event.preventDefault();
        setMenuAt({ x: event.clientX, y: event.clientY });
      }}
      onFocus={onFocus}
      data-conversation-id={conversation.id}
      {...longPress}
    >
      <Avatar
        id={other?.id ?? conversation.id}
        name={title}
        url={other?.avatar_url}
        size={49}
        group={conversation.is_group_chat}
        online={online}
        deleted={other?.deleted}
      />
      <div className={styles.body}>
        <div className={styles.top}>
          <span className={styles.title}>{title}</span>
          <span className="visually-hidden">, </span>
          <span className={styles.time}>{time}</span>
        </div>
        <div className={styles.bottom}>
          {typingText ? (
            <span className={`${styles.preview} ${styles.typing}`}>{typingText}</span>
          ) : draft && !selected ? (
            <span className={styles.preview} data-testid="preview">
              <span className={styles.draft}>Draft: </span>
              <span className={styles.previewText} dir="auto">
                {draft}
              </span>
            </span>
          ) : (
            <span className={styles.preview} data-testid="preview">
              {tick && <StatusIcon state={tick} />}
              {senderName && <span className={styles.sender}>{senderName}: </span>}
              <span className={`${styles.previewText} ${deleted ? styles.deleted : ''}`} dir="auto">
                {previewText}
              </span>
            </span>
          )}
          <span className={styles.icons}>
            {muted && <MutedIcon size={18} className={styles.icon} aria-label="Muted" aria-hidden={undefined} role="img" />}
            {conversation.pinned_at && <PinIcon size={18} className={styles.icon} aria-label="Pinned" aria-hidden={undefined} role="img" />}
            {unread > 0 ? (
              <span className={`${styles.badge} ${muted ? styles.mutedBadge : ''}`} data-testid="unread-badge">
                {unread > 999 ? '999+' : unread}
                <span className="visually-hidden"> unread message{unread === 1 ? '' : 's'}</span>
              </span>
            ) : (
              conversation.marked_unread && (
                <span className={`${styles.badge} ${styles.dot} ${muted ? styles.mutedBadge : ''}`} data-testid="unread-badge">
                  <span className="visually-hidden">Marked as unread</span>
                </span>
              )
            )}
            <span
              className={styles.chevron}
              aria-hidden="true"
              data-testid="chat-menu-chevron"
              onClick={(event) => {
                event.stopPropagation();
                openMenuBelow(event.currentTarget);
              }}
            >
              <DownIcon size={20} />
            </span>
          </span>
        </div>
      </div>
      {menuAt && <ChatMenu conversation={conversation} at={menuAt} onChoose={choose} onClose={closeMenu} />}
    </li>
  );
}

function firstName(conversation: Conversation, userId: string): string {
  const user = conversation.participants.find((p) => p.id === userId);
  return user ? (displayName(user).split(' ')[0] ?? user.username) : 'Someone';
}
