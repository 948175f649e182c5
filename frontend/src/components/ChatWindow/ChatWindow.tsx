import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { Conversation } from '../../api/client';
import { useAttachmentTray } from '../../hooks/useAttachmentTray';
import { useMessageActions } from '../../hooks/useMessageActions';
import { useMessageSearch } from '../../hooks/useMessageSearch';
import { useNameOf } from '../../hooks/useNameOf';
import { useTypingUsers } from '../../hooks/useTypingUsers';
import { messagePreview } from '../../lib/attachments';
import { nameColor } from '../../lib/colors';
import { dayKey, dayLabel, lastSeenLabel } from '../../lib/dates';
import { conversationTitle, displayName, memberNames, otherParticipant } from '../../lib/names';
import { statusFromReceipts, type DeliveryState } from '../../lib/ticks';
import { useChatSession, useConnection, useConversations, useMessages, usePresence } from '../../store/ChatSessionContext';
import { readOnlyReason, type Departure } from '../../store/conversations';
import type { ChatMessage } from '../../store/messages';
import { Avatar } from '../Avatar/Avatar';
import { Composer } from '../Composer/Composer';
import { ConfirmDialog } from '../ConfirmDialog/ConfirmDialog';
import { BlockConfirm, ContactInfo } from '../ContactInfo/ContactInfo';
import { GroupInfo } from '../GroupInfo/GroupInfo';
import { IconButton } from '../IconButton/IconButton';
import { BackIcon, CloseIcon, DownIcon, InfoIcon, SearchIcon, UpIcon } from '../Icons/Icons';
import { useNow } from '../../hooks/useNow';
import { nearBottom, useSeenMessages } from '../../hooks/useSeenMessages';
import { firstUnread } from '../../lib/unread';
import { MessageRow } from '../MessageRow/MessageRow';
import { QuotedMessage } from '../QuotedMessage/QuotedMessage';
import styles from './ChatWindow.module.css';

interface ChatWindowProps {
  conversationId: string;
  meId: string;
  onBack: () => void;
  /** A message the sidebar's search found: shown (loaded around it if need be) and marked with the words searched. */
  found?: { messageId: string; query: string };
}

/** Start loading older messages when the reader scrolls within this distance of the top. */
const LOAD_OLDER_THRESHOLD_PX = 150;
/** One pane at a time (ChatLayout.module.css). */
const PHONE_QUERY = '(max-width: 767px)';
/** Room left above the unread divider when a chat opens there. */
const DIVIDER_MARGIN_PX = 8;

/** Where the open chat's unread messages began when it was opened: the divider stays there while it is open. */
type UnreadMark = { id: string; count: number } | null;
/** Below a thread shown around a found message, load newer ones when the reader scrolls within this distance of the bottom. */
const LOAD_NEWER_THRESHOLD_PX = 150;

/** The open chat: header, message log (with day separators and in-chat search) and composer. */
export function ChatWindow({ conversationId, meId, onBack, found }: ChatWindowProps) {
  const session = useChatSession();
  const conversation = useConversations((s) => s.byId[conversationId]);
  const thread = useMessages((s) => s.threads[conversationId]);
  const receipts = useConversations((s) => s.receipts[conversationId]);
  const readOnly = useConversations((s) => readOnlyReason(s, conversationId, meId));
  const nameOf = useNameOf(meId);
  const actions = useMessageActions(conversationId, meId);
  const tray = useAttachmentTray({ upload: session.upload, scope: conversationId });
  // Files dragged over the chat: it says where to drop them.
  const [dragging, setDragging] = useState(false);
  // The edit window is minutes long: judging it every 15 s is precise enough.
  const now = useNow(15_000);
  const [infoOpen, setInfoOpen] = useState(false);
  const [unblocking, setUnblocking] = useState(false);
  const [searchOpen, setSearchOpen] = useState(false);
  const [query, setQuery] = useState('');
  const [hit, setHit] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const anchor = useRef<{ height: number; top: number } | null>(null);
  const edges = useRef<{ first?: string; last?: string }>({});
  const hitRefs = useRef(new Map<string, HTMLDivElement>());
  const divider = useRef<HTMLDivElement>(null);
  // Decided once the first unread message is loaded (undefined until then); null: nothing was unread.
  const [unreadMark, setUnreadMark] = useState<UnreadMark | undefined>(undefined);
  // The chat is where it opens (at the divider, or at the bottom): from then on what shows is seen.
  const [placed, setPlaced] = useState(false);
  const [atBottom, setAtBottom] = useState(true);

  const items = useMemo(() => thread?.items ?? [], [thread]);
  if (unreadMark === undefined && thread?.loaded && conversation) {
    const first = firstUnread(items, conversation.unread_count, meId);
    if (first) setUnreadMark({ id: first.id, count: conversation.unread_count });
    else if (!thread.hasOlder || conversation.unread_count === 0) setUnreadMark(null);
  }
  const newestSeq = useMemo(() => items.findLast((m) => !m.local)?.seq, [items]);
  const showing = useCallback((seq: number) => session.showing(conversationId, seq), [session, conversationId]);
  const seen = useSeenMessages(scroller, placed, newestSeq, showing);
  const participantIds = useMemo(() => conversation?.participants.map((p) => p.id) ?? [], [conversation]);
  // The server searches the whole history (messages not loaded here too), newest first: 1 of N is the most recent match.
  const search = useMessageSearch(searchOpen ? query : '', conversationId);
  const hits = search.results;
  const currentHit = hits.at(Math.min(hit, hits.length - 1))?.message;
  const older = () => {
    if (hit + 1 < hits.length) setHit(hit + 1);
    else if (search.hasMore) void search.more().then(() => setHit(hit + 1));
    else setHit(0);
  };
  const newer = () => setHit((h) => (h - 1 + hits.length) % hits.length);
  // What is shown and marked: the in-chat search's current result, else the message the sidebar's search opened.
  const targetId = currentHit?.id ?? (searchOpen ? undefined : found?.messageId);
  const marked = searchOpen ? query : (found?.query ?? '');
  const targetHeld = targetId !== undefined && items.some((m) => m.id === targetId);

  // Keep the view where the reader left it: at the bottom for new messages, in place when older ones load above.
  useLayoutEffect(() => {
    const box = scroller.current;
    if (!box) return;
    const first = items[0]?.id;
    const last = items[items.length - 1];
    const previous = edges.current;
    if (anchor.current && first !== previous.first) {
      box.scrollTop = box.scrollHeight - anchor.current.height + anchor.current.top;
      anchor.current = null;
    } else if (last && last.id !== previous.last) {
      // Pages loaded below a found message keep the reader where they are.
      if (!thread?.hasNewer && (!previous.last || nearBottom(box) || last.sender_id === meId)) box.scrollTop = box.scrollHeight;
    }
    edges.current = { first, last: last?.id };
  }, [items, meId, thread?.hasNewer]);

  // A result not loaded yet: the history around it is.
  useEffect(() => {
    if (currentHit && !items.some((m) => m.id === currentHit.id)) void session.showMessage(conversationId, currentHit).catch(() => undefined);
  }, [currentHit, items, session, conversationId]);

  // A chat with unread messages opens at the first of them, under the divider; any other at the bottom.
  useLayoutEffect(() => {
    const box = scroller.current;
    if (placed || unreadMark === undefined || !box) return;
    const line = divider.current;
    if (line) box.scrollTop += line.getBoundingClientRect().top - box.getBoundingClientRect().top - DIVIDER_MARGIN_PX;
    else box.scrollTop = box.scrollHeight;
    setAtBottom(nearBottom(box));
    setPlaced(true);
  }, [placed, unreadMark]);

  // On a phone the chat fills the screen: Escape goes back to the list (unless search or info has it).
  useEffect(() => {
    if (searchOpen || infoOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape' || event.defaultPrevented || !matchMedia(PHONE_QUERY).matches) return;
      if (event.target instanceof Element && event.target.closest('[role="dialog"], [role="menu"]')) return;
      onBack();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [searchOpen, infoOpen, onBack]);

  // A file dropped beside the chat (the list, the header of the page) would make the browser open
  // it in place of the app: dropping files does nothing anywhere but on the chat.
  useEffect(() => {
    const ignore = (event: globalThis.DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    window.addEventListener('dragover', ignore);
    window.addEventListener('drop', ignore);
    return () => {
      window.removeEventListener('dragover', ignore);
      window.removeEventListener('drop', ignore);
    };
  }, []);

  useEffect(() => {
    if (targetId && targetHeld) hitRefs.current.get(targetId)?.scrollIntoView?.({ block: 'center' });
  }, [targetId, targetHeld]);

  useEffect(() => {
    if (actions.flashId) hitRefs.current.get(actions.flashId)?.scrollIntoView?.({ block: 'center', behavior: 'smooth' });
  }, [actions.flashId]);


  const { checkBottom } = seen;
  const onScroll = useCallback(() => {
    const box = scroller.current;
    if (!box) return;
    setAtBottom(nearBottom(box));
    checkBottom();
    if (thread?.loadingOlder) return;
    if (thread?.hasOlder && box.scrollTop < LOAD_OLDER_THRESHOLD_PX) {
      anchor.current = { height: box.scrollHeight, top: box.scrollTop };
      void session.loadOlder(conversationId);
    } else if (thread?.hasNewer && box.scrollHeight - box.clientHeight - box.scrollTop < LOAD_NEWER_THRESHOLD_PX) {
      void session.loadNewer(conversationId).catch(() => undefined);
    }
  }, [session, conversationId, thread?.hasOlder, thread?.hasNewer, thread?.loadingOlder, checkBottom]);

  function toBottom() {
    const box = scroller.current;
    if (box) box.scrollTop = box.scrollHeight;
  }

  if (!conversation) return null;

  const title = conversationTitle(conversation, meId);
  const other = otherParticipant(conversation, meId);
  const infoLabel = conversation.is_group_chat ? 'Group info' : 'Contact info';
  const departed = readOnly === 'left' || readOnly === 'removed';

  function closeSearch() {
    setSearchOpen(false);
    setQuery('');
    setHit(0);
  }

  const acceptsFiles = !readOnly && !actions.editing;
  const carriesFiles = (event: DragEvent) => acceptsFiles && Array.from(event.dataTransfer.types).includes('Files');
  const dropZone = {
    onDragEnter: (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      setDragging(true);
    },
    onDragOver: (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDragLeave: (event: DragEvent) => {
      // Leaving for a child of the chat is not leaving the chat.
      if (!(event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget))) setDragging(false);
    },
    onDrop: (event: DragEvent) => {
      setDragging(false);
      if (!carriesFiles(event)) return;
      event.preventDefault();
      tray.add(Array.from(event.dataTransfer.files));
    },
  };

  function statusOf(message: ChatMessage): DeliveryState | undefined {
    if (message.sender_id !== meId) return undefined;
    if (message.local) return message.local;
    return statusFromReceipts(message, participantIds, receipts ?? {});
  }

  return (
    <div className={styles.frame}>
      <section className={styles.window} aria-label={`Chat with ${title}`} {...dropZone}>
        {dragging && (
          <div className={styles.dropHint} data-testid="drop-hint">
            Drop files here to send them
          </div>
        )}
        <header className={styles.header}>
          <button type="button" className={`${styles.iconButton} ${styles.back}`} onClick={onBack} aria-label="Back to chats">
            <BackIcon />
          </button>
          {/* The picture and the name open the chat's info too, as in WhatsApp (the Info button is its keyboard way). */}
          <div className={styles.identity} onClick={() => setInfoOpen(true)}>
            <Avatar
              id={other?.id ?? conversation.id}
              name={title}
              url={other?.avatar_url}
              size={40}
              group={conversation.is_group_chat}
              deleted={other?.deleted}
            />
            <div className={styles.heading}>
              <h2 className={styles.title}>{title}</h2>
              <Subtitle conversation={conversation} meId={meId} departed={departed ? readOnly : null} />
            </div>
          </div>
          <IconButton label={infoLabel} size={40} aria-expanded={infoOpen} onClick={() => setInfoOpen(!infoOpen)}>
            <InfoIcon />
          </IconButton>
          <button
            type="button"
            className={styles.iconButton}
            aria-label="Search messages"
            aria-expanded={searchOpen}
            title="Search"
            onClick={() => (searchOpen ? closeSearch() : setSearchOpen(true))}
          >
            <SearchIcon />
          </button>
        </header>

        {searchOpen && (
          <div
            className={styles.search}
            role="search"
            aria-label="Search this chat"
            onKeyDown={(event) => {
              if (event.key === 'Escape') closeSearch();
            }}
          >
            <input
              type="search"
              className={styles.searchInput}
              placeholder="Search…"
              aria-label="Search in this chat"
              value={query}
              autoFocus
              onChange={(event) => {
                setQuery(event.target.value);
                setHit(0);
              }}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && hits.length) {
                  event.preventDefault();
                  if (event.shiftKey) newer();
                  else older();
                }
              }}
            />
            <span className={styles.searchCount} aria-live="polite">
              {!search.searchable
                ? ''
                : search.loading
                  ? 'Searching…'
                  : hits.length
                    ? `${Math.min(hit, hits.length - 1) + 1} of ${hits.length}${search.hasMore ? '+' : ''}`
                    : 'No results'}
            </span>
            <button
              type="button"
              className={styles.iconButton}
              aria-label="Older result"
              disabled={hits.length < 2 && !search.hasMore}
              onClick={older}
            >
              <UpIcon />
            </button>
            <button
              type="button"
              className={styles.iconButton}
              aria-label="Newer result"
              disabled={hits.length < 2}
              onClick={newer}
            >
              <DownIcon />
            </button>
            <button type="button" className={styles.iconButton} aria-label="Close search" onClick={closeSearch}>
              <CloseIcon />
            </button>
          </div>
        )}

        <div className={styles.pane}>
          <div ref={scroller} className={styles.scroller} onScroll={onScroll} tabIndex={0} role="region" aria-label="Message history">
            {thread?.loadingOlder && (
              <p className={styles.loading} role="status">
                Loading older messages…
              </p>
            )}
            {!thread?.loaded && (
              <p className={styles.loading} role="status">
                Loading messages…
              </p>
            )}
            {thread?.loaded && !thread.hasOlder && (
              <p className={styles.notice}>Messages are encrypted at rest on the ChatFlow server.</p>
            )}
            <div role="log" aria-live="polite" aria-relevant="additions" aria-label={`Messages with ${title}`} className={styles.log}>
              {items.map((message, index) => {
                const previous = items[index - 1];
                const newDay = !previous || dayKey(previous.created_at) !== dayKey(message.created_at);
                const runStart = newDay || previous?.sender_id !== message.sender_id;
                const mine = message.sender_id === meId;
                return (
                  <Fragment key={message.id}>
                    {newDay && (
                      <div className={styles.day}>
                        <span>{dayLabel(message.created_at)}</span>
                      </div>
                    )}
                    {unreadMark?.id === message.id && (
                      <div ref={divider} className={styles.unreadDivider} data-testid="unread-divider">
                        <span>{unreadLabel(unreadMark.count)}</span>
                      </div>
                    )}
                    <MessageRow
                      ref={(node) => {
                        if (node) hitRefs.current.set(message.id, node);
                        else hitRefs.current.delete(message.id);
                        seen.watch(node, message.local ? undefined : message.seq, message.id);
                      }}
                      message={message}
                      meId={meId}
                      nameOf={nameOf}
                      status={statusOf(message)}
                      tail={runStart}
                      senderName={conversation.is_group_chat && !mine && runStart ? nameOf(message.sender_id) : undefined}
                      query={marked}
                      currentHit={message.id === targetId}
                      flash={message.id === actions.flashId}
                      actions={actions}
                      now={now}
                      readOnly={departed}
                      writable={!readOnly}
                      onRetry={
                        message.local === 'failed' && message.client_id && !readOnly
                          ? () => session.retry(conversationId, message.client_id as string)
                          : undefined
                      }
                    />
                  </Fragment>
                );
              })}
            </div>
          </div>
          {!atBottom && (
            <button
              type="button"
              className={styles.toBottom}
              onClick={toBottom}
              aria-label={conversation.unread_count ? `Scroll to the newest message, ${unreadLabel(conversation.unread_count)}` : 'Scroll to the newest message'}
            >
              {conversation.unread_count > 0 && (
                <span className={styles.toBottomCount} data-testid="new-messages-count">
                  {conversation.unread_count}
                </span>
              )}
              <DownIcon />
            </button>
          )}
        </div>

        {actions.notice && (
          <p className={styles.toast} role="alert">
            {actions.notice}
          </p>
        )}

        {departed && (
          <p className={styles.readOnly} role="status">
            You can&apos;t send messages to this group because you&apos;re no longer a participant.
          </p>
        )}
        {readOnly === 'deleted' && (
          <p className={styles.readOnly} role="status">
            This account was deleted. You can&apos;t send messages to it.
          </p>
        )}
        {readOnly === 'blocked' && (
          <button type="button" className={`${styles.readOnly} ${styles.unblock}`} onClick={() => setUnblocking(true)}>
            You blocked this contact. Tap to unblock.
          </button>
        )}
        {!readOnly && (
          <Composer
            key={conversationId}
            onSend={actions.submit}
            onTyping={() => session.typing(conversationId)}
            onStopTyping={() => session.stopTyping(conversationId)}
            editing={actions.editing}
            replyTo={
              actions.replyingTo && (
                <QuotedMessage
                  senderName={nameOf(actions.replyingTo.sender_id)}
                  senderColor={nameColor(actions.replyingTo.sender_id)}
                  preview={messagePreview(actions.replyingTo)}
                  deleted={actions.replyingTo.deleted_at !== null}
                  onCancel={actions.cancel}
                />
              )
            }
            focusKey={actions.editing?.id ?? actions.replyingTo?.id}
            onCancel={actions.cancel}
            onEditLast={actions.editLast}
            draft={session.drafts.getState().byConversation[conversationId]}
            onDraft={(text) => session.drafts.getState().set(conversationId, text)}
            attachments={tray}
          />
        )}

        {actions.deleting && (
          <ConfirmDialog title="Delete for everyone?" confirmLabel="Delete for everyone" onConfirm={actions.confirmDelete} onCancel={actions.cancelDelete} />
        )}
        {unblocking && other && (
          <BlockConfirm
            user={other}
            blocked
            onClose={() => setUnblocking(false)}
            onError={(error) => {
              if (error) actions.notify(error);
            }}
          />
        )}
      </section>
      {infoOpen &&
        (conversation.is_group_chat ? (
          <GroupInfo conversation={conversation} meId={meId} onClose={() => setInfoOpen(false)} />
        ) : (
          <ContactInfo conversation={conversation} meId={meId} onClose={() => setInfoOpen(false)} />
        ))}
    </div>
  );
}

function unreadLabel(count: number): string {
  return `${count} unread ${count === 1 ? 'message' : 'messages'}`;
}

/** "online", "last seen …", "typing…", a group's member names, or that the user is no longer in it. */
function Subtitle({ conversation, meId, departed }: { conversation: Conversation; meId: string; departed: Departure | null }) {
  const other = otherParticipant(conversation, meId);
  const presence = usePresence((s) => (other ? s.users[other.id] : undefined));
  // Presence is known only while connected: with the socket down, "online" may no longer be true.
  const connected = useConnection((s) => s.state === 'ready');
  const typing = useTypingUsers(conversation.id, meId);
  let text: string;
  let live = false;
  if (departed) {
    text = departed === 'left' ? 'You left' : "You're no longer a participant";
  } else if (typing.length) {
    live = true;
    if (conversation.is_group_chat) {
      const names = typing.map((id) => {
        const user = conversation.participants.find((p) => p.id === id);
        return user ? displayName(user) : 'Someone';
      });
      text = `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} typing…`;
    } else {
      text = 'typing…';
    }
  } else if (conversation.is_group_chat) {
    text = memberNames(conversation, meId);
  } else if (other?.deleted) {
    // No presence, no last seen: the title says all there is.
    return null;
  } else if (other && !connected) {
    text = 'connecting…';
  } else if (other) {
    const online = presence?.online ?? other.is_online;
    text = online ? 'online' : lastSeenLabel(presence?.lastSeenAt ?? other.last_seen_at);
  } else {
    text = 'Message yourself';
  }
  return (
    <p className={`${styles.subtitle} ${live ? styles.typing : ''}`} data-testid="chat-subtitle">
      {text}
    </p>
  );
}
