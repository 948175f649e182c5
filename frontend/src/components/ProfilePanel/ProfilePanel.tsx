import { useState, type FormEvent } from 'react';
import { safeHref } from '../../lib/text';
import { displayName } from '../../lib/names';
import { useChatSession } from '../../store/ChatSessionContext';
import { useSession } from '../../store/session';
import { Avatar } from '../Avatar/Avatar';
import { SidePanel, type PanelProps } from '../SidePanel/SidePanel';
import styles from './ProfilePanel.module.css';

/** Your profile, in place of the chat list: full name and avatar URL (PATCH /users/me). */
export function ProfilePanel({ onClose, backLabel }: PanelProps) {
  const session = useChatSession();
  const user = useSession((s) => s.user);
  const setUser = useSession((s) => s.setUser);
  const [fullName, setFullName] = useState(user?.full_name ?? '');
  const [avatarUrl, setAvatarUrl] = useState(user?.avatar_url ?? '');
  const [errors, setErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!user) return null;

  async function save(event: FormEvent) {
    event.preventDefault();
    const problems: string[] = [];
    const url = avatarUrl.trim();
    if (fullName.trim().length > 100) problems.push('Your name can have at most 100 characters.');
    if (url && (!safeHref(url) || url.length > 2048)) problems.push('The avatar must be an http(s) URL.');
    setErrors(problems);
    setSaved(false);
    if (problems.length) return;
    setBusy(true);
    try {
      setUser(await session.updateProfile({ full_name: fullName.trim() || null, avatar_url: url || null }));
      setSaved(true);
    } catch (error) {
      setErrors([error instanceof Error ? error.message : 'Could not save your profile.']);
    } finally {
      setBusy(false);
    }
  }

  return (
    <SidePanel title="Profile" onClose={onClose} backLabel={backLabel}>
      <div className={styles.avatar}>
        <Avatar id={user.id} name={displayName(user)} url={avatarUrl.trim() || null} size={160} />
      </div>
      <form className={styles.form} onSubmit={save} noValidate>
        <label htmlFor="profile-name" className={styles.label}>
          Your name
        </label>
        <input id="profile-name" className={styles.field} value={fullName} maxLength={100} onChange={(e) => setFullName(e.target.value)} />
        <label htmlFor="profile-avatar" className={styles.label}>
          Avatar URL
        </label>
        <input
          id="profile-avatar"
          className={styles.field}
          type="url"
          inputMode="url"
          placeholder="https://…"
          value={avatarUrl}
          onChange={(e) => setAvatarUrl(e.target.value)}
        />
        <p className={styles.readonly}>
          <span className={styles.label}>Username</span> @{user.username}
        </p>
        <p className={styles.readonly}>
          <span className={styles.label}>Email</span> {user.email}
        </p>
        {errors.length > 0 && (
          <div className={styles.errors} role="alert">
            {errors.map((problem) => (
              <p key={problem}>{problem}</p>
            ))}
          </div>
        )}
        {saved && (
          <p className={styles.saved} role="status">
            Saved
          </p>
        )}
        <button type="submit" className={styles.save} disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </form>
    </SidePanel>
  );
}
