import { MAX_PARTICIPANTS } from '@chatflow/protocol';
import { useMemo, useState, type FormEvent } from 'react';
import type { Conversation, PublicUser } from '../../api/client';
import { Modal } from '../Modal/Modal';
import { PeoplePicker } from '../PeoplePicker/PeoplePicker';
import styles from '../../styles/dialog.module.css';

interface AddMembersDialogProps {
  conversation: Conversation;
  onClose: () => void;
  /** Adds them (POST …/participants); rejects with the server's refusal. */
  onAdd: (userIds: string[]) => Promise<void>;
}

/** Picks people to add to a group from the searchable list of the new-chat dialog; those already in it are not offered. */
export function AddMembersDialog({ conversation, onClose, onAdd }: AddMembersDialogProps) {
  const [selected, setSelected] = useState<PublicUser[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const members = useMemo(() => new Set(conversation.participants.map((p) => p.id)), [conversation.participants]);

  function toggle(user: PublicUser) {
    setSelected((current) => (current.some((u) => u.id === user.id) ? current.filter((u) => u.id !== user.id) : [...current, user]));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (selected.length === 0) return setError('Pick at least one person.');
    if (members.size + selected.length > MAX_PARTICIPANTS) return setError(`A group has at most ${MAX_PARTICIPANTS} members.`);
    setBusy(true);
    setError(null);
    try {
      await onAdd(selected.map((u) => u.id));
      onClose();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : 'Could not add them.');
      setBusy(false);
    }
  }

  return (
    <Modal title="Add members" onClose={onClose}>
      <form className={styles.form} onSubmit={(event) => void submit(event)} noValidate>
        <PeoplePicker mode="many" selected={selected} onToggle={toggle} exclude={members} busy={busy} />
        {error && (
          <div className={styles.errors} role="alert">
            <p>{error}</p>
          </div>
        )}
        <button type="submit" className={styles.primary} disabled={busy}>
          {busy ? 'Adding…' : `Add${selected.length ? ` (${selected.length})` : ''}`}
        </button>
      </form>
    </Modal>
  );
}
