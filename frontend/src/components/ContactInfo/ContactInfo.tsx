import { useState } from 'react';
import type { Conversation, PublicUser } from '../../api/client';
import { useNow } from '../../hooks/useNow';
import { lastSeenLabel } from '../../lib/dates';
import { conversationTitle, displayName, handleOf, otherParticipant } from '../../lib/names';
import { useChatSession, useConversations, usePresence } from '../../store/ChatSessionContext';
import { Avatar } from '../Avatar/Avatar';
import { ConfirmDialog } from '../ConfirmDialog/ConfirmDialog';
import { BlockIcon } from '../Icons/Icons';
import { InfoAction, InfoError, InfoName, InfoPanel, InfoProfile, InfoSection } from '../InfoPanel/InfoPanel';

interface ContactInfoProps {
  conversation: Conversation;
  meId: string;
  onClose: () => void;
}

/**
 * The other person of a one-on-one: their name, username and presence (as the server shows
 * it), and Block / Unblock. A deleted account has none of these: "Deleted account", nothing more.
 */
export function ContactInfo({ conversation, meId, onClose }: ContactInfoProps) {
  const other = otherParticipant(conversation, meId);
  const presence = usePresence((s) => (other ? s.users[other.id] : undefined));
  const blocked = useConversations((s) => (other ? Boolean(s.blocked[other.id]) : false));
  // "last seen today at …" turns into "yesterday" at midnight: a minute is precise enough.
  const now = useNow(60_000);
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const title = conversationTitle(conversation, meId);
  const online = presence?.online ?? other?.is_online ?? false;
  const handle = other && handleOf(other);
  // A deleted account has no presence, and nobody left to block.
  const person = other && !other.deleted ? other : undefined;

  return (
    <InfoPanel title="Contact info" onClose={onClose}>
      <InfoProfile>
        <Avatar id={other?.id ?? conversation.id} name={title} url={other?.avatar_url} size={160} deleted={other?.deleted} />
        <InfoName>{title}</InfoName>
        {handle && <p>{handle}</p>}
        {person && <p>{online ? 'online' : lastSeenLabel(presence?.lastSeenAt ?? person.last_seen_at, new Date(now))}</p>}
      </InfoProfile>
      {person && (
        <InfoSection>
          <InfoAction icon={<BlockIcon />} danger={!blocked} onClick={() => setAsking(true)}>
            {blocked ? `Unblock ${title}` : `Block ${title}`}
          </InfoAction>
          <InfoError error={error} />
        </InfoSection>
      )}
      {asking && person && <BlockConfirm user={person} blocked={blocked} onClose={() => setAsking(false)} onError={setError} />}
    </InfoPanel>
  );
}

interface BlockConfirmProps {
  user: PublicUser;
  /** Whether the user has blocked them: the question is then whether to unblock. */
  blocked: boolean;
  /** Answered (the dialog goes; the request, if any, goes on). */
  onClose: () => void;
  /** The server refused, or could not be reached; null as the request starts. */
  onError: (error: string | null) => void;
}

/** "Block Bob?" or "Unblock Bob?", then the request. */
export function BlockConfirm({ user, blocked, onClose, onError }: BlockConfirmProps) {
  const session = useChatSession();
  const name = displayName(user);
  function confirm() {
    onClose();
    onError(null);
    (blocked ? session.unblock(user.id) : session.block(user.id)).catch((failure: unknown) =>
      onError(failure instanceof Error ? failure.message : 'That did not work. Try again.'),
    );
  }
  return blocked ? (
    <ConfirmDialog title={`Unblock ${name}?`} confirmLabel="Unblock" onConfirm={confirm} onCancel={onClose} />
  ) : (
    <ConfirmDialog
      title={`Block ${name}?`}
      message="Blocked contacts cannot send you messages, start a chat with you or add you to groups, and no longer see when you are online. They are not told."
      confirmLabel="Block"
      onConfirm={confirm}
      onCancel={onClose}
    />
  );
}
