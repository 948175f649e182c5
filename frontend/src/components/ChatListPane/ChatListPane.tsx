import { useMemo, useState } from 'react';
import { usePeopleSearch } from '../../hooks/usePeopleSearch';
import type { PublicUser } from '../../api/client';
import { displayName, handleOf } from '../../lib/names';
import { useNotificationPreferences } from '../../notifications/preferences';
import { useChatSession, useConversations } from '../../store/ChatSessionContext';
import { isListed, isUnread } from '../../store/conversations';
import { Avatar } from '../Avatar/Avatar';
import { ConversationList } from '../ConversationList/ConversationList';
import { IconButton } from '../IconButton/IconButton';
import { ArchiveIcon, BackIcon, CloseIcon } from '../Icons/Icons';
import styles from './ChatListPane.module.css';

interface ChatListPaneProps {
  meId: string;
  /** The sidebar's search box. */
  filter: string;
  onSelect: (conversationId: string) => void;
}

/**
 * The chat list's pane: the offer of desktop notifications, the Archived entry (or the
 * archived chats), the chats, and — while searching — the people to start a chat with.
 */
export function ChatListPane({ meId, filter, onSelect }: ChatListPaneProps) {
  const [archivedView, setArchivedView] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const searching = filter.trim().length > 0;
  const byId = useConversations((s) => s.byId);
  const archived = useMemo(() => Object.values(byId).filter((c) => c.archived && isListed(c, meId)), [byId, meId]);
  const archivedUnread = archived.filter(isUnread).length;
  const showArchived = archivedView && !searching;

  return (
    <div className={styles.pane}>
      <NotificationsBanner />
      {refusal && (
        <div className={styles.refusal} role="alert">
          <span>{refusal}</span>
          <IconButton label="Dismiss" size={28} onClick={() => setRefusal(null)}>
            <CloseIcon size={18} />
          </IconButton>
        </div>
      )}
      {showArchived ? (
        <div className={styles.archivedHeader}>
          <IconButton label="Back to chats" size={36} onClick={() => setArchivedView(false)} autoFocus>
            <BackIcon size={22} />
          </IconButton>
          <h2 className={styles.archivedTitle}>Archived</h2>
        </div>
      ) : (
        !searching &&
        archived.length > 0 && (
          <button type="button" className={styles.archivedEntry} onClick={() => setArchivedView(true)}>
            <span className={styles.archivedIcon}>
              <ArchiveIcon size={20} />
            </span>
            <span className={styles.archivedLabel}>Archived</span>
            {archivedUnread > 0 && <span className={styles.archivedCount}>{archivedUnread}</span>}
          </button>
        )
      )}
      <ConversationList meId={meId} filter={filter} view={showArchived ? 'archived' : 'chats'} onSelect={onSelect} onRefused={setRefusal} />
      {searching && <People meId={meId} query={filter.trim()} onSelect={onSelect} />}
    </div>
  );
}

/**
 * Offered once a message from someone else has arrived in this tab (never on first load),
 * while the browser has not been asked yet; closing it keeps it closed in this browser.
 */
function NotificationsBanner() {
  const { permission, messageSeen, bannerDismissed, requestPermission, dismissBanner } = useNotificationPreferences();
  if (permission !== 'default' || !messageSeen || bannerDismissed) return null;
  return (
    <div className={styles.banner} role="region" aria-label="Desktop notifications">
      <button type="button" className={styles.bannerAction} onClick={() => void requestPermission()}>
        <strong>Get notified of new messages</strong>
        <span>Turn on desktop notifications</span>
      </button>
      <IconButton label="Not now" size={32} onClick={dismissBanner}>
        <CloseIcon size={18} />
      </IconButton>
    </div>
  );
}

/** People matching the search, but those the user already has a one-on-one with in the list: clicking one opens (or starts) the chat. */
function People({ meId, query, onSelect }: { meId: string; query: string; onSelect: (conversationId: string) => void }) {
  const session = useChatSession();
  const byId = useConversations((s) => s.byId);
  const { found, failed } = usePeopleSearch(query);
  const [problem, setProblem] = useState<string | null>(null);

  const contacts = useMemo(() => {
    const ids = new Set<string>();
    for (const c of Object.values(byId)) {
      if (c.is_group_chat || !isListed(c, meId)) continue;
      for (const p of c.participants) if (p.id !== meId) ids.add(p.id);
    }
    return ids;
  }, [byId, meId]);
  const people = (found ?? []).filter((u) => !contacts.has(u.id));
  const shown = problem ?? (failed ? 'Could not search people. Check your connection.' : null);

  async function start(user: PublicUser) {
    try {
      const conversation = await session.createConversation({ participant_ids: [user.id], is_group_chat: false });
      onSelect(conversation.id);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : 'Could not start the chat.');
    }
  }

  if (!people.length && !shown) return null;
  return (
    <section className={styles.people} aria-labelledby="people-heading">
      <h2 id="people-heading" className={styles.peopleHeading}>
        People
      </h2>
      {shown && (
        <p className={styles.problem} role="alert">
          {shown}
        </p>
      )}
      <ul className={styles.peopleList}>
        {people.map((user) => (
          <li key={user.id}>
            <button type="button" className={styles.person} onClick={() => void start(user)}>
              <Avatar id={user.id} name={displayName(user)} url={user.avatar_url} size={40} />
              <span className={styles.personText}>
                <span className={styles.personName}>{displayName(user)}</span>
                <span className={styles.personHandle}>{handleOf(user)}</span>
              </span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
