import type { Message } from '../api/client';

/**
 * How long the sender may edit a message: the server's MESSAGE_EDIT_WINDOW_SECONDS default
 * (it takes an edit up to a minute later still, so one started in time is not lost).
 */
export const EDIT_WINDOW_MS = 15 * 60 * 1000;

/** How long the sender may delete a message for everyone: the server's MESSAGE_DELETE_WINDOW_SECONDS default. */
export const DELETE_WINDOW_MS = 48 * 60 * 60 * 1000;

/** What the user may do with a message, as its menu offers it. */
export interface MessageActions {
  reply: boolean;
  react: boolean;
  edit: boolean;
  delete: boolean;
}

/**
 * The actions a message offers now, or null when it has no menu: a message on its way (not
 * stored yet), a deleted one, or a system notice. Replying and editing happen in the
 * composer, so a chat without one (`writable` false: blocked, or its other person's account
 * deleted) offers neither.
 */
export function messageActions(message: Message & { local?: string }, meId: string, now: number, writable = true): MessageActions | null {
  if (message.local || message.deleted_at || message.kind === 'system') return null;
  const mine = message.sender_id === meId;
  const age = now - Date.parse(message.created_at);
  // A message the server cannot decrypt has no text to start an edit from.
  const editable = writable && mine && age < EDIT_WINDOW_MS && !message.unavailable;
  return { reply: writable, react: true, edit: editable, delete: mine && age < DELETE_WINDOW_MS };
}

/** The user's own reaction to a message, if any. */
export function myReaction(message: Message, meId: string): string | null {
  return message.reactions.find((r) => r.user_ids.includes(meId))?.emoji ?? null;
}
