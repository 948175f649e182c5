import { startTransition, useId, useState, type ReactNode } from 'react';
import { useChangePassword, useDataExport, useDeleteAccount, type Outcome } from '../../hooks/useAccount';
import { displayName } from '../../lib/names';
import { PASSWORD_MIN_LENGTH } from '../../lib/passwords';
import { useNotificationPreferences } from '../../notifications/preferences';
import { useSession } from '../../store/session';
import { Avatar } from '../Avatar/Avatar';
import { ConfirmDialog } from '../ConfirmDialog/ConfirmDialog';
import { DevicesIcon } from '../Icons/Icons';
import { SidePanel, type PanelProps } from '../SidePanel/SidePanel';
import styles from './SettingsPanel.module.css';

/** The panels Settings leads to. */
export type SettingsEntry = 'profile' | 'devices';

interface SettingsPanelProps extends PanelProps {
  onOpen: (entry: SettingsEntry) => void;
  /** The entry the user just came back from: it has the focus again. */
  returnedFrom?: SettingsEntry | null;
}

/**
 * Settings, in place of the chat list: the way to the profile and the linked devices, then
 * the account itself — changing the password, downloading everything, deleting it.
 */
export function SettingsPanel({ onClose, onOpen, returnedFrom = null, backLabel }: SettingsPanelProps) {
  const user = useSession((s) => s.user);
  if (!user) return null;
  return (
    <SidePanel title="Settings" onClose={onClose} backLabel={backLabel}>
      <ul className={styles.entries}>
        <Entry
          icon={<Avatar id={user.id} name={displayName(user)} url={user.avatar_url} size={40} />}
          label="Profile"
          detail={displayName(user)}
          autoFocus={returnedFrom === 'profile'}
          onOpen={() => onOpen('profile')}
        />
        <Entry
          icon={<DevicesIcon />}
          label="Linked devices"
          detail="The browsers logged in to your account"
          autoFocus={returnedFrom === 'devices'}
          onOpen={() => onOpen('devices')}
        />
      </ul>
      <Notifications />
      <ChangePassword username={user.username} />
      <DataExport />
      <DeleteAccount />
    </SidePanel>
  );
}

interface EntryProps {
  icon: ReactNode;
  label: string;
  detail: string;
  autoFocus: boolean;
  onOpen: () => void;
}

/** A row that opens another panel: an icon, its name, a line about it (named by both, as they read). */
function Entry({ icon, label, detail, autoFocus, onOpen }: EntryProps) {
  return (
    <li>
      <button type="button" className={styles.entry} autoFocus={autoFocus} onClick={onOpen}>
        <span className={styles.entryIcon}>{icon}</span>
        <span className={styles.entryText}>
          <span className={styles.entryLabel}>{label}</span>
          <span className="visually-hidden">, </span>
          <span className={styles.entryDetail}>{detail}</span>
        </span>
      </button>
    </li>
  );
}

/** A section of the panel, named by its heading. */
function Section({ title, danger = false, children }: { title: string; danger?: boolean; children: ReactNode }) {
  const titleId = useId();
  return (
    <section className={`${styles.section} ${danger ? styles.danger : ''}`} aria-labelledby={titleId}>
      <h3 id={titleId} className={styles.heading}>
        {title}
      </h3>
      {children}
    </section>
  );
}

/** Desktop notifications (asked for only when the user clicks) and the sound, both this browser's. */
function Notifications() {
  const { permission, sound, requestPermission, setSound } = useNotificationPreferences();
  const soundId = useId();
  return (
    <Section title="Notifications">
      <p className={styles.text}>
        {permission === 'granted'
          ? 'Desktop notifications are on for new messages, unless the chat is muted.'
          : permission === 'denied'
            ? 'Desktop notifications are blocked for ChatFlow in this browser. Allow them in the site settings.'
            : permission === 'unsupported'
              ? 'This browser does not show desktop notifications.'
              : 'Get a desktop notification when a message arrives while you are elsewhere.'}
      </p>
      {permission === 'default' && (
        <button type="button" className={styles.primary} onClick={() => void requestPermission()}>
          Turn on desktop notifications
        </button>
      )}
      <p className={styles.checkRow}>
        <input id={soundId} type="checkbox" checked={sound} onChange={(event) => setSound(event.target.checked)} />
        <label htmlFor={soundId}>Play a sound for new messages</label>
      </p>
    </Section>
  );
}

/** What the last attempt came to: done, said politely (the region is always there, so it is announced), or refused. */
function OutcomeLines({ outcome, busyText }: { outcome: Outcome; busyText?: string | null }) {
  return (
    <>
      <p role="status" className={styles.status}>
        {busyText ?? outcome?.done}
      </p>
      {outcome?.problems && (
        <div role="alert" className={styles.errors}>
          {outcome.problems.map((problem) => (
            <p key={problem}>{problem}</p>
          ))}
        </div>
      )}
    </>
  );
}

function PasswordField({ name, label, autoComplete }: { name: string; label: string; autoComplete: string }) {
  const id = useId();
  return (
    <>
      <label htmlFor={id} className={styles.label}>
        {label}
      </label>
      <input id={id} name={name} type="password" autoComplete={autoComplete} className={styles.field} />
    </>
  );
}

function ChangePassword({ username }: { username: string }) {
  const { outcome, action, pending } = useChangePassword();
  return (
    <Section title="Change password">
      <form action={action} className={styles.form} noValidate>
        {/* For password managers: whose password this is. */}
        <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
        <PasswordField name="current" label="Current password" autoComplete="current-password" />
        <PasswordField name="next" label="New password" autoComplete="new-password" />
        <PasswordField name="confirm" label="Confirm new password" autoComplete="new-password" />
        <p className={styles.hint}>At least {PASSWORD_MIN_LENGTH} characters. Your other devices will be logged out.</p>
        <OutcomeLines outcome={outcome} />
        <button type="submit" className={styles.primary} aria-disabled={pending} onClick={(event) => pending && event.preventDefault()}>
          {pending ? 'Changing password…' : 'Change password'}
        </button>
      </form>
    </Section>
  );
}

function DataExport() {
  const { outcome, action, pending } = useDataExport();
  return (
    <Section title="Download my data">
      <p className={styles.text}>A copy of your profile, your chats and every message you can read in them, as a JSON file.</p>
      <form action={action} className={styles.form}>
        <OutcomeLines outcome={outcome} busyText={pending ? 'Preparing your data…' : null} />
        <button type="submit" className={styles.primary} aria-disabled={pending} onClick={(event) => pending && event.preventDefault()}>
          Download my data
        </button>
      </form>
    </Section>
  );
}

function DeleteAccount() {
  const [asking, setAsking] = useState(false);
  return (
    <Section title="Delete account" danger>
      <div className={styles.text}>
        <p>Deleting your account:</p>
        <ul>
          <li>takes you out of all your groups;</li>
          <li>ends your one-on-one chats: the other person keeps your messages, from a “Deleted account”, and can no longer write;</li>
          <li>erases your profile, email, password and the list of people you blocked;</li>
          <li>logs you out on every device.</li>
        </ul>
        <p>It cannot be undone. Download your data first to keep a copy.</p>
      </div>
      <button type="button" className={styles.deleteButton} onClick={() => setAsking(true)}>
        Delete my account
      </button>
      {asking && <DeleteAccountDialog onCancel={() => setAsking(false)} />}
    </Section>
  );
}

/** The last question, with the password; its refusals show in it. Once the account is gone, the login page says so. */
function DeleteAccountDialog({ onCancel }: { onCancel: () => void }) {
  const { outcome, action, pending } = useDeleteAccount();
  const [password, setPassword] = useState('');
  const id = useId();
  return (
    <ConfirmDialog
      title="Delete your account?"
      message="This cannot be undone. Enter your password to confirm."
      confirmLabel={pending ? 'Deleting…' : 'Delete account'}
      danger
      busy={pending}
      onConfirm={() => startTransition(() => action(password))}
      onCancel={onCancel}
    >
      <div className={styles.dialogField}>
        <label htmlFor={id} className={styles.label}>
          Password
        </label>
        <input
          id={id}
          type="password"
          autoComplete="current-password"
          className={styles.field}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {outcome?.problems && (
          <p role="alert" className={styles.dialogError}>
            {outcome.problems.join(' ')}
          </p>
        )}
      </div>
    </ConfirmDialog>
  );
}
