import type { Conversation, PublicUser } from '../api/client';

/** How a deleted account is named wherever its messages stay. */
export const DELETED_ACCOUNT = 'Deleted account';

type Named = Pick<PublicUser, 'full_name' | 'username' | 'deleted'>;

/** The full name, else the username; a deleted account is "Deleted account" (its username is a placeholder). */
export function displayName(user: Named): string {
  if (user.deleted) return DELETED_ACCOUNT;
  return user.full_name?.trim() || user.username;
}

/** "@alice", or null for a deleted account, which has no username to show. */
export function handleOf(user: Named): string | null {
  return user.deleted || !user.username ? null : `@${user.username}`;
}

/** The other person of a one-on-one conversation (undefined for a group or a chat with oneself). */
export function otherParticipant(conversation: Conversation, meId: string): PublicUser | undefined {
  if (conversation.is_group_chat) return undefined;
  return conversation.participants.find((p) => p.id !== meId);
}

/** A group's name, or the other person's name in a one-on-one. */
export function conversationTitle(conversation: Conversation, meId: string): string {
  if (conversation.is_group_chat) return conversation.name?.trim() || 'Group';
  const other = otherParticipant(conversation, meId);
  return other ? displayName(other) : 'You';
}

/** "Alice, Bob, You" for a group header. */
export function memberNames(conversation: Conversation, meId: string): string {
  const others = conversation.participants.filter((p) => p.id !== meId).map(displayName);
  others.sort((a, b) => a.localeCompare(b));
  return [...others, 'You'].join(', ');
}
