import type { Message } from '../api/client';

/** A message as the thread holds it: stored ones have a `seq`; the user's own still on their way are `local`. */
type Held = Pick<Message, 'sender_id' | 'kind' | 'deleted_at' | 'seq'> & { local?: unknown };

/**
 * Whether a message counts in the unread badge, as the server counts `unread_count`: a stored
 * user message from someone else that is not deleted.
 */
export function countsAsUnread(message: Held, meId: string): boolean {
  return !message.local && message.sender_id !== meId && message.kind === 'user' && message.deleted_at === null;
}

/** How many messages of a thread (oldest first) that count as unread come after message `seq`. */
export function unreadAfter(items: readonly Held[], seq: number, meId: string): number {
  let count = 0;
  for (const message of items) if (message.seq > seq && countsAsUnread(message, meId)) count += 1;
  return count;
}

/**
 * The first unread message of a thread (oldest first) whose last `unreadCount` counted messages
 * are the unread ones; undefined when nothing is unread or the thread does not reach back that far.
 */
export function firstUnread<T extends Held>(items: readonly T[], unreadCount: number, meId: string): T | undefined {
  if (unreadCount <= 0) return undefined;
  let seen = 0;
  for (let index = items.length - 1; index >= 0; index -= 1) {
    const message = items[index] as T;
    if (!countsAsUnread(message, meId)) continue;
    seen += 1;
    if (seen === unreadCount) return message;
  }
  return undefined;
}
