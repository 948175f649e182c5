import type { Message } from '../api/client';

/** What a user message that nobody has edited, deleted, replied to or reacted to carries besides its text. */
export const PLAIN_MESSAGE = {
  kind: 'user',
  edited_at: null,
  deleted_at: null,
  reply_to: null,
  reactions: [],
  attachments: [],
  system: null,
} as const satisfies Partial<Message>;
