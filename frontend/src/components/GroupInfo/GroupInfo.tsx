import { MAX_GROUP_NAME_LENGTH } from '@chatflow/protocol';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Conversation, Participant } from '../../api/client';
import { anyAction, managesGroup, memberActions, membersInOrder, ROLE_LABELS } from '../../lib/groupRoles';
import { conversationTitle, displayName, handleOf } from '../../lib/names';
import { useChatSession, useConversations, usePresence } from '../../store/ChatSessionContext';
import { AddMembersDialog } from '../AddMembersDialog/AddMembersDialog';
import { Avatar } from '../Avatar/Avatar';
import { ConfirmDialog } from '../ConfirmDialog/ConfirmDialog';
import { IconButton } from '../IconButton/IconButton';
import { CheckIcon, CloseIcon, DeleteIcon, DownIcon, EditIcon, LogoutIcon, PersonAddIcon, UpIcon } from '../Icons/Icons';
import { InfoAction, InfoError, InfoName, InfoPanel, InfoProfile, InfoSection } from '../InfoPanel/InfoPanel';
import styles from './GroupInfo.module.css';

interface GroupInfoProps {
  conversation: Conversation;
  meId: string;
  onClose: () => void;
}

/** What waits for the user's confirmation. */
type Pending = { kind: 'remove'; member: Participant } | { kind: 'leave' } | { kind: 'delete' };

/**
 * A group's info: its name (renamed by the owner and admins), its members with their roles,
 * and what the user may do — add people and rename (owner, admins), remove, make or dismiss
 * admins (as the role rules allow), leave. A group the user is no longer in shows what it was,
 * and offers to delete the chat.
 */
export function GroupInfo({ conversation, meId, onClose }: GroupInfoProps) {
  const session = useChatSession();
  const departure = useConversations((s) => s.departures[conversation.id]);
  const [adding, setAdding] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [error, setError] = useState<string | null>(null);
  const title = conversationTitle(conversation, meId);
  const myRole = departure ? undefined : conversation.participants.find((p) => p.id === meId)?.role;
  const manager = managesGroup(myRole);
  // Once out, the user is not among the members, and their presence is no longer theirs to see.
  const members = membersInOrder(departure ? conversation.participants.filter((p) => p.id !== meId) : conversation.participants, meId);

  /** Runs a change; its refusal shows in the panel. */
  function attempt(change: Promise<void>): Promise<boolean> {
    setError(null);
    return change.then(
      () => true,
      (failure: unknown) => {
        setError(failure instanceof Error ? failure.message : 'That did not work. Try again.');
        return false;
      },
    );
  }

  function confirm() {
    if (!pending) return;
    setPending(null);
    if (pending.kind === 'remove') void attempt(session.removeMember(conversation.id, pending.member.id));
    else if (pending.kind === 'leave') void attempt(session.leaveGroup(conversation.id));
    else session.forgetConversation(conversation.id);
  }

  return (
    <InfoPanel title="Group info" onClose={onClose}>
      <InfoProfile>
        <Avatar id={conversation.id} name={title} size={160} group />
        <GroupName
          name={title}
          editable={manager}
          onRename={(name) => attempt(session.renameGroup(conversation.id, name))}
        />
        <p>Group · {members.length} members</p>
        {departure && (
          <p className={styles.departed} role="status">
            {departure === 'left' ? 'You left this group.' : "You're no longer a participant."}
          </p>
        )}
      </InfoProfile>

      <InfoSection label="Members">
        <h3 className={styles.heading}>{members.length} members</h3>
        {manager && (
          <InfoAction icon={<PersonAddIcon />} onClick={() => setAdding(true)}>
            Add members
          </InfoAction>
        )}
        <ul className={styles.members}>
          {members.map((member) => (
            <MemberRow
              key={member.id}
              member={member}
              me={member.id === meId}
              presence={!departure}
              actions={memberActions(myRole, member, meId)}
              onRole={(role) => void attempt(session.changeRole(conversation.id, member.id, role))}
              onRemove={() => setPending({ kind: 'remove', member })}
            />
          ))}
        </ul>
      </InfoSection>

      <InfoSection>
        {departure ? (
          <InfoAction icon={<DeleteIcon />} danger onClick={() => setPending({ kind: 'delete' })}>
            Delete chat
          </InfoAction>
        ) : (
          <InfoAction icon={<LogoutIcon />} danger onClick={() => setPending({ kind: 'leave' })}>
            Leave group
          </InfoAction>
        )}
        <InfoError error={error} />
      </InfoSection>

      {adding && (
        <AddMembersDialog
          conversation={conversation}
          onClose={() => setAdding(false)}
          onAdd={(userIds) => session.addMembers(conversation.id, userIds)}
        />
      )}
      {pending && <Confirmation pending={pending} title={title} owner={myRole === 'owner'} onConfirm={confirm} onCancel={() => setPending(null)} />}
    </InfoPanel>
  );
}

function Confirmation({ pending, title, owner, onConfirm, onCancel }: { pending: Pending; title: string; owner: boolean; onConfirm: () => void; onCancel: () => void }) {
  if (pending.kind === 'remove') {
    const name = displayName(pending.member);
    return <ConfirmDialog title={`Remove ${name} from “${title}”?`} confirmLabel="Remove" onConfirm={onConfirm} onCancel={onCancel} />;
  }
  if (pending.kind === 'leave') {
    return (
      <ConfirmDialog
        title={`Leave “${title}”?`}
        message={`${owner ? 'You own this group: it passes to its longest-standing admin, or member if it has no admin. ' : ''}You will no longer receive its messages.`}
        confirmLabel="Leave group"
        onConfirm={onConfirm}
        onCancel={onCancel}
      />
    );
  }
  return (
    <ConfirmDialog
      title="Delete this chat?"
      message="It leaves your chat list, with the messages you have seen in it."
      confirmLabel="Delete chat"
      onConfirm={onConfirm}
      onCancel={onCancel}
    />
  );
}

interface GroupNameProps {
  name: string;
  editable: boolean;
  /** Resolves true once the server took the new name. */
  onRename: (name: string) => Promise<boolean>;
}

/** The group's name; the owner and admins edit it in place (Enter saves, Escape cancels). */
function GroupName({ name, editable, onRename }: GroupNameProps) {
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const edit = useRef<HTMLButtonElement>(null);
  const refocus = useRef(false);

  // The edit button comes back once the form is gone: the focus goes back to it.
  useEffect(() => {
    if (draft !== null || !refocus.current) return;
    refocus.current = false;
    edit.current?.focus();
  }, [draft]);

  function stop() {
    refocus.current = true;
    setDraft(null);
    setProblem(null);
  }

  async function save(event?: FormEvent) {
    event?.preventDefault();
    const trimmed = draft?.trim() ?? '';
    if (!trimmed) setProblem('Give the group a name.');
    else if (trimmed === name || (await onRename(trimmed))) stop();
  }

  if (draft === null) {
    return (
      <div className={styles.name}>
        <InfoName>{name}</InfoName>
        {editable && (
          <IconButton ref={edit} label="Edit group name" onClick={() => setDraft(name)}>
            <EditIcon size={20} />
          </IconButton>
        )}
      </div>
    );
  }
  return (
    <form
      className={styles.rename}
      onSubmit={(event) => void save(event)}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        event.stopPropagation();
        stop();
      }}
      noValidate
    >
      <label htmlFor="group-info-name" className="visually-hidden">
        Group name
      </label>
      <input
        id="group-info-name"
        className={styles.field}
        value={draft}
        maxLength={MAX_GROUP_NAME_LENGTH}
        onChange={(event) => setDraft(event.target.value)}
        aria-invalid={problem !== null}
        aria-describedby={problem ? 'group-info-name-problem' : undefined}
        autoFocus
      />
      <IconButton label="Save group name" onClick={() => void save()}>
        <CheckIcon size={20} />
      </IconButton>
      <IconButton label="Cancel renaming" onClick={stop}>
        <CloseIcon size={20} />
      </IconButton>
      {problem && (
        <p id="group-info-name-problem" className={styles.problem} role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

interface MemberRowProps {
  member: Participant;
  me: boolean;
  /** Whether to show them online (not in a group the user is no longer in: nothing keeps it up to date). */
  presence: boolean;
  actions: ReturnType<typeof memberActions>;
  onRole: (role: 'admin' | 'member') => void;
  onRemove: () => void;
}

/** A member: their name (You), presence as the server lets the user see it, role, and the actions the user may take. */
function MemberRow({ member, me, presence, actions, onRole, onRemove }: MemberRowProps) {
  const online = usePresence((s) => presence && !me && (s.users[member.id]?.online ?? member.is_online));
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const name = me ? 'You' : displayName(member);
  const handle = handleOf(member);
  const label = ROLE_LABELS[member.role];

  function act(action: () => void) {
    setOpen(false);
    trigger.current?.focus();
    action();
  }

  return (
    <li className={styles.member}>
      <Avatar id={member.id} name={displayName(member)} url={member.avatar_url} size={40} online={online} deleted={member.deleted} />
      <span className={styles.memberText}>
        <span className={styles.memberName}>{name}</span>
        {handle && <span className={styles.memberUsername}>{handle}</span>}
      </span>
      {label && <span className={styles.role}>{label}</span>}
      {anyAction(actions) && (
        <IconButton ref={trigger} label={`Options for ${displayName(member)}`} aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? <UpIcon size={20} /> : <DownIcon size={20} />}
        </IconButton>
      )}
      {open && (
        <div className={styles.memberActions} role="group" aria-label={`Actions for ${displayName(member)}`}>
          {actions.makeAdmin && (
            <button type="button" onClick={() => act(() => onRole('admin'))}>
              Make group admin
            </button>
          )}
          {actions.dismissAdmin && (
            <button type="button" onClick={() => act(() => onRole('member'))}>
              Dismiss as admin
            </button>
          )}
          {actions.remove && (
            <button type="button" className={styles.remove} onClick={() => act(onRemove)}>
              Remove
            </button>
          )}
        </div>
      )}
    </li>
  );
}
