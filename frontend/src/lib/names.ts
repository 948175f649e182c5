import type { Conversation, PublicUser } from '../api/client';

export function displayName(user: Pick<PublicUser, 'full_name' | 'username'>): string {
  return user.full_name?.trim() || user.username;
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
