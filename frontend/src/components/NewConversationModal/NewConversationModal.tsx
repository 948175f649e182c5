import { MAX_GROUP_NAME_LENGTH, MAX_PARTICIPANTS } from '@chatflow/protocol';
import { useState, type FormEvent } from 'react';
import type { Conversation, PublicUser } from '../../api/client';
import { useChatSession } from '../../store/ChatSessionContext';
import { GroupIcon } from '../Icons/Icons';
import { Modal } from '../Modal/Modal';
import { PeoplePicker } from '../PeoplePicker/PeoplePicker';
import styles from './NewConversationModal.module.css';

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
  const [selected, setSelected] = useState<PublicUser[]>([]);
  const [name, setName] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

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
    if (mode === 'direct') return;
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
    <Modal title={mode === 'direct' ? 'New chat' : 'New group'} onClose={onClose}>
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
        <PeoplePicker mode={mode === 'direct' ? 'one' : 'many'} selected={selected} onToggle={toggle} onPick={startDirect} busy={busy} />

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
    </Modal>
  );
}
