import { MAX_GROUP_NAME_LENGTH, MAX_PARTICIPANTS } from '@chatflow/protocol';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { Conversation, PublicUser } from '../../api/client';
import { displayName } from '../../lib/names';
import { useFocusTrap } from '../../hooks/useFocusTrap';
import { useChatSession } from '../../store/ChatSessionContext';
import { Avatar } from '../Avatar/Avatar';
import { CloseIcon, GroupIcon, SearchIcon } from '../Icons/Icons';
import styles from './NewConversationModal.module.css';

const SEARCH_DELAY_MS = 250;
/** Members one can pick: every participant but the creator, who joins the group too. */
const MAX_GROUP_MEMBERS = MAX_PARTICIPANTS - 1;

interface NewConversationModalProps {
  onClose: () => void;
  onCreated: (conversation: Conversation) => void;
}

/** A dialog to start a one-on-one chat, or a named group with members picked from a searchable list. */
export function NewConversationModal({ onClose, onCreated }: NewConversationModalProps) {
  const session = useChatSession();
  const [mode, setMode] = useState<'direct' | 'group'>('direct');
  const [query, setQuery] = useState('');
  const [people, setPeople] = useState<PublicUser[] | null>(null);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [selected, setSelected] = useState<PublicUser[]>([]);
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useFocusTrap(dialog);

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      session.searchUsers(query).then(
        (users) => {
          if (!current) return;
          setPeople(users);
          setSearchError(null);
        },
        () => current && setSearchError('Could not load people. Check your connection.'),
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, session]);

  async function create(body: { participant_ids: string[]; is_group_chat: boolean; name?: string }) {
    setBusy(true);
    setErrors([]);
    try {
      onCreated(await session.createConversation(body));
    } catch (error) {
      setErrors([error instanceof Error ? error.message : 'Could not create the chat.']);
      setBusy(false);
    }
  }

  function startDirect(user: PublicUser) {
    if (!busy) void create({ participant_ids: [user.id], is_group_chat: false });
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    if (mode === 'direct') {
      const first = people?.[0];
      if (first) startDirect(first);
      return;
    }
    const problems: string[] = [];
    const trimmed = name.trim();
    if (!trimmed) problems.push('Give the group a name.');
    else if (trimmed.length > MAX_GROUP_NAME_LENGTH) problems.push(`A group name has at most ${MAX_GROUP_NAME_LENGTH} characters.`);
    if (selected.length === 0) problems.push('Add at least one member.');
    if (selected.length > MAX_GROUP_MEMBERS) problems.push(`A group has at most ${MAX_PARTICIPANTS} members.`);
    setErrors(problems);
    if (problems.length === 0) void create({ participant_ids: selected.map((u) => u.id), is_group_chat: true, name: trimmed });
  }

  function toggle(user: PublicUser) {
    setSelected((current) => (current.some((u) => u.id === user.id) ? current.filter((u) => u.id !== user.id) : [...current, user]));
  }

  return (
    <div
      className={styles.overlay}
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={dialog}
        className={styles.dialog}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          }
        }}
      >
        <header className={styles.header}>
          <h2 id={titleId} className={styles.title}>
            {mode === 'direct' ? 'New chat' : 'New group'}
          </h2>
          <button type="button" className={styles.close} onClick={onClose} aria-label="Close">
            <CloseIcon />
          </button>
        </header>

        <div className={styles.modes} role="group" aria-label="Kind of chat">
          <button type="button" aria-pressed={mode === 'direct'} onClick={() => setMode('direct')}>
            One-on-one
          </button>
          <button type="button" aria-pressed={mode === 'group'} onClick={() => setMode('group')}>
            <GroupIcon size={18} /> Group
          </button>
        </div>

        <form className={styles.form} onSubmit={submit} noValidate>
          {mode === 'group' && (
            <>
              <label className={styles.label} htmlFor="group-name">
                Group name
              </label>
              <input
                id="group-name"
                className={styles.field}
                value={name}
                maxLength={MAX_GROUP_NAME_LENGTH}
                placeholder="e.g. Weekend trip"
                onChange={(event) => setName(event.target.value)}
              />
            </>
          )}
          <div className={styles.searchBox}>
            <SearchIcon size={20} />
            <input
              type="search"
              className={styles.searchInput}
              aria-label="Search people"
              placeholder="Search name or username"
              value={query}
              onChange={(event) => setQuery(event.target.value)}
              autoFocus
            />
          </div>

          {mode === 'group' && selected.length > 0 && (
            <ul className={styles.chips} aria-label="Members">
              {selected.map((user) => (
                <li key={user.id}>
                  <button type="button" className={styles.chip} onClick={() => toggle(user)} aria-label={`Remove ${displayName(user)}`}>
                    {displayName(user)} <CloseIcon size={14} />
                  </button>
                </li>
              ))}
            </ul>
          )}

          <div className={styles.people}>
            {searchError && <p className={styles.hint}>{searchError}</p>}
            {!searchError && people === null && <p className={styles.hint}>Loading…</p>}
            {!searchError && people?.length === 0 && <p className={styles.hint}>No one found</p>}
            {people && people.length > 0 && (
              <ul className={styles.list} aria-label="People">
                {people.map((user) =>
                  mode === 'direct' ? (
                    <li key={user.id}>
                      <button type="button" className={styles.person} onClick={() => startDirect(user)} disabled={busy}>
                        <Avatar id={user.id} name={displayName(user)} url={user.avatar_url} size={40} online={user.is_online} />
                        <span className={styles.personText}>
                          <span className={styles.personName}>{displayName(user)}</span>
                          <span className={styles.personUsername}>@{user.username}</span>
                        </span>
                      </button>
                    </li>
                  ) : (
                    <li key={user.id}>
                      <label className={styles.person}>
                        <input type="checkbox" checked={selected.some((u) => u.id === user.id)} onChange={() => toggle(user)} />
                        <Avatar id={user.id} name={displayName(user)} url={user.avatar_url} size={40} />
                        <span className={styles.personText}>
                          <span className={styles.personName}>{displayName(user)}</span>
                          <span className={styles.personUsername}>@{user.username}</span>
                        </span>
                      </label>
                    </li>
                  ),
                )}
              </ul>
            )}
          </div>

          {errors.length > 0 && (
            <div className={styles.errors} role="alert">
              {errors.map((problem) => (
                <p key={problem}>{problem}</p>
              ))}
            </div>
          )}

          {mode === 'group' && (
            <button type="submit" className={styles.create} disabled={busy}>
              {busy ? 'Creating…' : `Create group${selected.length ? ` (${selected.length + 1})` : ''}`}
            </button>
          )}
        </form>
      </div>
    </div>
  );
}
