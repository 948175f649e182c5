import { firstCharacters, REPLY_PREVIEW_CHARACTERS, type ReplyTo } from '@chatflow/protocol';
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

/** What a message deleted for everyone shows, in its bubble and as a chat's last message. */
export const DELETED_MESSAGE_TEXT = 'This message was deleted';

/** What a message the server cannot decrypt (`unavailable`) shows, in its bubble and as a chat's last message. */
export const UNAVAILABLE_MESSAGE_TEXT = "This message can't be displayed";

/** How a reply quotes this message now, as the server computes `reply_to` when it is read. */
export function quoteOf(message: Message): ReplyTo {
  const deleted = message.deleted_at !== null;
  return {
    id: message.id,
    sender_id: message.sender_id,
    preview: deleted ? '' : firstCharacters(message.content, REPLY_PREVIEW_CHARACTERS),
    deleted,
  };
}

/**
 * `message` with its quote of `changed` brought up to date: the server does not send the
 * replies again when the message they quote is edited or deleted. The same object when
 * nothing changes, so React skips what did not.
 */
export function requote<T extends Message>(message: T, changed: Message): T {
  const quote = message.reply_to;
  if (!quote || quote.id !== changed.id) return message;
  const fresh = quoteOf(changed);
  if (quote.preview === fresh.preview && quote.deleted === fresh.deleted) return message;
  return { ...message, reply_to: { ...quote, preview: fresh.preview, deleted: fresh.deleted } };
}

/** Whether `incoming` replaces the copy of the same message held: it is not an older `version`. */
export function supersedes(incoming: Message, held: Message): boolean {
  return incoming.version >= held.version;
}
