import { useMemo, useState } from 'react';
import type { PublicUser } from '../../api/client';
import { displayName } from '../../lib/names';
import { usePeopleSearch } from '../../hooks/usePeopleSearch';
import { Avatar } from '../Avatar/Avatar';
import { CloseIcon, SearchIcon } from '../Icons/Icons';
import styles from './PeoplePicker.module.css';

interface PeoplePickerProps {
  /** `one`: each person is a button that picks them; `many`: a checkbox each, the picked ones as chips above the list. */
  mode: 'one' | 'many';
  selected?: PublicUser[];
  onToggle?: (user: PublicUser) => void;
  onPick?: (user: PublicUser) => void;
  /** People not offered (already in the group). */
  exclude?: ReadonlySet<string>;
  /** While a request is on its way: the people cannot be picked. */
  busy?: boolean;
}

/**
 * The searchable list of people (GET /users?q=, once the typing pauses), to start a chat with
 * one of them (Enter in the search box picks the first) or pick several for a group. Its parts
 * are laid out by the dialog around it.
 */
export function PeoplePicker({ mode, selected = [], onToggle, onPick, exclude, busy = false }: PeoplePickerProps) {
  const [query, setQuery] = useState('');
  const { found, failed } = usePeopleSearch(query);
  const searchError = failed ? 'Could not load people. Check your connection.' : null;

  const people = useMemo(() => (found && exclude ? found.filter((u) => !exclude.has(u.id)) : found), [found, exclude]);

  return (
    <>
      <div className={styles.searchBox}>
        <SearchIcon size={20} />
        <input
          type="search"
          className={styles.searchInput}
          aria-label="Search people"
          placeholder="Search name or username"
          value={query}
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            const first = people?.[0];
            if (mode !== 'one' || event.key !== 'Enter' || event.nativeEvent.isComposing) return;
            event.preventDefault();
            if (first && !busy) onPick?.(first);
          }}
          autoFocus
        />
      </div>

      {mode === 'many' && selected.length > 0 && (
        <ul className={styles.chips} aria-label="Members">
          {selected.map((user) => (
            <li key={user.id}>
              <button type="button" className={styles.chip} onClick={() => onToggle?.(user)} aria-label={`Remove ${displayName(user)}`}>
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
              mode === 'one' ? (
                <li key={user.id}>
                  <button type="button" className={styles.person} onClick={() => onPick?.(user)} disabled={busy}>
                    <Avatar id={user.id} name={displayName(user)} url={user.avatar_url} size={40} online={user.is_online} />
                    <PersonText user={user} />
                  </button>
                </li>
              ) : (
                <li key={user.id}>
                  <label className={styles.person}>
                    <input type="checkbox" checked={selected.some((u) => u.id === user.id)} onChange={() => onToggle?.(user)} disabled={busy} />
                    <Avatar id={user.id} name={displayName(user)} url={user.avatar_url} size={40} />
                    <PersonText user={user} />
                  </label>
                </li>
              ),
            )}
          </ul>
        )}
      </div>
    </>
  );
}

function PersonText({ user }: { user: PublicUser }) {
  return (
    <span className={styles.personText}>
      <span className={styles.personName}>{displayName(user)}</span>
      <span className={styles.personUsername}>@{user.username}</span>
    </span>
  );
}
