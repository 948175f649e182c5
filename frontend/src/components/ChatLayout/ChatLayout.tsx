import { CLOSE_CODES } from '@chatflow/protocol';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { Message, User } from '../../api/client';
import { useOnAttention } from '../../hooks/useAttentive';
import { useChatRoute } from '../../hooks/useChatRoute';
import { useNotifications } from '../../hooks/useNotifications';
import { displayName } from '../../lib/names';
import { defaultSocketUrl } from '../../realtime/RealtimeClient';
import { api, logOut } from '../../store/api';
import { createChatSession, type ChatSession } from '../../store/chatSession';
import { indexedDbOutboxStorage } from '../../store/outboxStorage';
import { ChatSessionContext, useConnection } from '../../store/ChatSessionContext';
import { useSession } from '../../store/session';
import { Avatar } from '../Avatar/Avatar';
import { ChatWindow } from '../ChatWindow/ChatWindow';
import { ChatListPane } from '../ChatListPane/ChatListPane';
import { DevicesPanel } from '../DevicesPanel/DevicesPanel';
import { isSearchable } from '../../hooks/useMessageSearch';
import { IconButton } from '../IconButton/IconButton';
import { DevicesIcon, LockIcon, LogoutIcon, NewChatIcon, SearchIcon, SettingsIcon } from '../Icons/Icons';
import { MessageSearchResults } from '../MessageSearchResults/MessageSearchResults';
import { NewConversationModal } from '../NewConversationModal/NewConversationModal';
import { ProfilePanel } from '../ProfilePanel/ProfilePanel';
import { SettingsPanel } from '../SettingsPanel/SettingsPanel';
import styles from './ChatLayout.module.css';

/** What can take the chat list's place. */
type Panel = 'profile' | 'devices' | 'settings';

interface ChatLayoutProps {
  me: User;
  /** Tests hand in a session wired to fakes; the app builds the real one. */
  session?: ChatSession;
}

function realSession(me: User): ChatSession {
  return createChatSession({
    api,
    me,
    socketUrl: defaultSocketUrl(),
    token: () => useSession.getState().token,
    onUnauthorized: (why) => useSession.getState().expire(why),
    outboxStorage: indexedDbOutboxStorage(me.id),
    onOwnProfile: (profile) => {
      const user = useSession.getState().user;
      if (user?.id === profile.id) useSession.getState().setUser({ ...user, ...profile });
    },
  });
}

/** WhatsApp Web's two panes: chats on the left, the open chat on the right (one pane at a time on a phone). */
export function ChatLayout({ me, session: given }: ChatLayoutProps) {
  const session = useMemo(() => given ?? realSession(me), [given, me]);
  const activeId = useStore(session.stores.conversations, (s) => s.activeId);
  const user = useSession((s) => s.user) ?? me;
  const loggingOut = useSession((s) => s.loggingOut);
  // The panels open in place of the chat list, the last one showing: Settings leads to others, and back to it.
  const [panels, setPanels] = useState<Panel[]>([]);
  const panel = panels.at(-1);
  // Back from a panel, the button that opened it has the focus again.
  const [closedPanel, setClosedPanel] = useState<Panel | null>(null);
  const openPanel = (next: Panel) => {
    setClosedPanel(null);
    setPanels((open) => [...open, next]);
  };
  const closePanel = () => {
    setClosedPanel(panel ?? null);
    setPanels((open) => open.slice(0, -1));
  };
  const backLabel = panels.length > 1 ? 'Back to settings' : undefined;
  const [composing, setComposing] = useState(false);
  const [filter, setFilter] = useState('');
  // A message search chose: its chat opens scrolled to it.
  const [found, setFound] = useState<{ conversationId: string; messageId: string; query: string } | null>(null);

  useEffect(() => {
    session.start();
    const online = () => session.reconnectNow();
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      session.stop();
    };
  }, [session]);

  useOnAttention(session.markActiveRead);
  const open = useCallback((id: string | null) => {
    setFound(null);
    void session.openConversation(id).catch(() => undefined);
  }, [session]);
  const openFound = useCallback(
    (conversationId: string, message: Message) => {
      setFound({ conversationId, messageId: message.id, query: filter });
      void session.showMessage(conversationId, message).catch(() => undefined);
    },
    [session, filter],
  );
  const unknownChat = useStore(session.stores.conversations, (s) => s.loaded && s.activeId !== null && !s.byId[s.activeId]);
  useChatRoute(activeId, open, unknownChat);
  useNotifications(session, me.id, open);

  return (
    <ChatSessionContext.Provider value={session}>
      <main className={styles.layout} data-view={activeId ? 'chat' : 'list'}>
        <h1 className="visually-hidden">ChatFlow</h1>
        <div className={styles.sidebar}>
          {panel === 'profile' ? (
            <ProfilePanel onClose={closePanel} backLabel={backLabel} />
          ) : panel === 'devices' ? (
            <DevicesPanel onClose={closePanel} backLabel={backLabel} />
          ) : panel === 'settings' ? (
            <SettingsPanel
              onClose={closePanel}
              onOpen={openPanel}
              returnedFrom={closedPanel === 'profile' || closedPanel === 'devices' ? closedPanel : null}
            />
          ) : (
            <nav className={styles.chats} aria-label="Chats">
              <header className={styles.header}>
                <button
                  type="button"
                  className={styles.me}
                  onClick={() => openPanel('profile')}
                  title="Profile"
                  autoFocus={closedPanel === 'profile'}
                >
                  <Avatar id={user.id} name={displayName(user)} url={user.avatar_url} size={40} />
                  <span className="visually-hidden">Profile</span>
                </button>
                <div className={styles.actions}>
                  <IconButton label="New chat" size={40} onClick={() => setComposing(true)}>
                    <NewChatIcon />
                  </IconButton>
                  <IconButton label="Linked devices" size={40} onClick={() => openPanel('devices')} autoFocus={closedPanel === 'devices'}>
                    <DevicesIcon />
                  </IconButton>
                  <IconButton label="Settings" size={40} onClick={() => openPanel('settings')} autoFocus={closedPanel === 'settings'}>
                    <SettingsIcon />
                  </IconButton>
                  <IconButton label="Log out" size={40} onClick={() => void logOut()} disabled={loggingOut}>
                    <LogoutIcon />
                  </IconButton>
                </div>
              </header>
              <ConnectionBanner />
              <div className={styles.search} role="search" aria-label="Search chats and people">
                <div className={styles.searchBox}>
                  <SearchIcon size={20} />
                  <input
                    type="search"
                    className={styles.searchInput}
                    placeholder="Search or start a new chat"
                    aria-label="Search chats"
                    value={filter}
                    onChange={(event) => setFilter(event.target.value)}
                  />
                </div>
              </div>
              {isSearchable(filter) ? (
                <div className={styles.found}>
                  <ChatListPane meId={me.id} filter={filter} onSelect={open} />
                  <MessageSearchResults query={filter} meId={me.id} onOpen={openFound} />
                </div>
              ) : (
                <ChatListPane meId={me.id} filter={filter} onSelect={open} />
              )}
            </nav>
          )}
        </div>
        <div className={styles.main}>
          {/* On a phone the list (and its strip) is hidden while a chat is open: the chat shows the strip too. */}
          {activeId && <ConnectionBanner className={styles.inChat} />}
          {activeId ? (
            <ChatWindow
              key={activeId}
              conversationId={activeId}
              meId={me.id}
              onBack={() => open(null)}
              found={found?.conversationId === activeId ? found : undefined}
            />
          ) : (
            <EmptyState />
          )}
        </div>
        {composing && (
          <NewConversationModal
            onClose={() => setComposing(false)}
            onCreated={(conversation) => {
              setComposing(false);
              open(conversation.id);
            }}
          />
        )}
      </main>
    </ChatSessionContext.Provider>
  );
}

/**
 * A strip under the header while the realtime connection is down, as WhatsApp shows when the
 * phone is offline; when the server refused it for the sockets the user already holds, what to do.
 */
function ConnectionBanner({ className = '' }: { className?: string }) {
  const state = useConnection((s) => s.state);
  const retryInMs = useConnection((s) => s.retryInMs);
  const closeCode = useConnection((s) => s.closeCode);
  if (state !== 'waiting') return null;
  return (
    <div className={`${styles.banner} ${className}`} role="status" data-testid="connection-banner">
      <strong>
        {closeCode === CLOSE_CODES.tooManyConnections
          ? 'Too many open ChatFlow tabs or devices — close one to reconnect.'
          : 'Connecting…'}
      </strong>
      <span>
        {retryInMs !== undefined ? `Retrying in ${Math.max(1, Math.round(retryInMs / 1000))} s. ` : ''}Messages you send are kept and go
        out once connected.
      </span>
    </div>
  );
}

function EmptyState() {
  return (
    <div className={styles.empty}>
      <svg className={styles.emptyArt} viewBox="0 0 120 90" aria-hidden="true">
        <rect x="10" y="8" width="70" height="48" rx="6" />
        <rect x="40" y="30" width="70" height="48" rx="6" />
        <path d="M24 56v12l12-12zM96 78v10l-10-10z" />
      </svg>
      <h2 className={styles.emptyTitle}>ChatFlow Web</h2>
      <p className={styles.emptyText}>Send and receive messages in real time. Pick a chat on the left, or start a new one.</p>
      <p className={styles.emptyFoot}>
        <LockIcon size={14} /> Messages are encrypted at rest on the server
      </p>
    </div>
  );
}
