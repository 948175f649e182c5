/** Message `content`: 1 to this many characters after trimming, counted by countCharacters. */
export const MAX_CONTENT_CHARACTERS = 4096;

/** Participants of one conversation, its creator included. */
export const MAX_PARTICIPANTS = 256;

/** A `client_id`, the sender's idempotency key. */
export const MAX_CLIENT_ID_LENGTH = 64;

/** A group's `name`, after trimming. */
export const MAX_GROUP_NAME_LENGTH = 100;

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
