/** Message `content`: 1 to this many characters after trimming, counted by countCharacters. */
export const MAX_CONTENT_CHARACTERS = 4096;

/**
 * A message's text as it is stored: blank lines before it and white space after it go, the
 * indentation of its first line stays (code, a poem, a list); its length is counted on the
 * fully trimmed text (API.md: 1–4096 characters after trimming).
 */
export function messageText(raw: string): string {
  return raw.replace(/^(?:[^\S\n]*\n)+/, '').trimEnd();
}

/** Participants of one conversation, its creator included. */
export const MAX_PARTICIPANTS = 256;

/** A `client_id`, the sender's idempotency key. */
export const MAX_CLIENT_ID_LENGTH = 64;

/** A group's `name`, after trimming. */
export const MAX_GROUP_NAME_LENGTH = 100;

/** The characters of a replied-to message that a reply shows (`reply_to.preview`). */
export const REPLY_PREVIEW_CHARACTERS = 200;

/** The first `max` characters of a text, counted as countCharacters counts them. */
export function firstCharacters(text: string, max: number): string {
  let count = 0;
  let end = 0;
  for (const character of text) {
    if (count === max) return text.slice(0, end);
    count += 1;
    end += character.length;
  }
  return text;
}

// Built at run time: a regular expression literal with the `v` flag needs an ES2024 target.
const SINGLE_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');

/** A reaction: exactly one emoji (a skin tone, a flag or a keycap included), as Unicode lists them. */
export function isSingleEmoji(text: string): boolean {
  return text.length <= 64 && SINGLE_EMOJI.test(text);
}

/** A chat muted "Always" is muted until this moment. */
export const MUTED_FOREVER = '9999-12-31T23:59:59.999Z';

/** Chats one user can pin, as WhatsApp allows. */
export const MAX_PINNED_CHATS = 3;

/** A WebSocket frame from a client; a larger one closes the connection with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;

/**
 * Characters as people count them: Unicode code points, so an emoji is one character and
 * not the two UTF-16 units `String.length` sees. Server and client both measure content
 * with this, so the limit the composer shows is the limit the server enforces.
 */
export function countCharacters(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

/** The most attachments one message carries (API.md: `attachment_ids` ≤ 10). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** The default largest upload, in bytes (`ATTACHMENT_MAX_BYTES`, 25 MiB): the server's limit is what counts. */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;
