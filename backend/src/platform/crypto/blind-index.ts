import { MIN_SEARCH_PREFIX as MIN_PREFIX, searchWords } from '@chatflow/protocol';
import { createHash, createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

/** Longer words are indexed by their prefixes up to this length; a longer query word by its first MAX_PREFIX. */
export const MAX_PREFIX = 8;

/** What a word is indexed as: itself when shorter than MIN_PREFIX, else its prefixes of MIN_PREFIX to MAX_PREFIX characters. */
function indexedForms(word: string): string[] {
  const chars = [...word];
  if (chars.length < MIN_PREFIX) return [word];
  const forms: string[] = [];
  for (let n = MIN_PREFIX; n <= Math.min(MAX_PREFIX, chars.length); n++) forms.push(chars.slice(0, n).join(''));
  return forms;
}

/** What a query word is looked up as: the form every word it matches was indexed under. */
function queryForm(word: string): string {
  return [...word].slice(0, MAX_PREFIX).join('');
}

/** Conversation keys kept derived; past this many the oldest are derived again when needed. */
const KEY_CACHE_SIZE = 10_000;

/**
 * A blind index of message words (in the manner of CipherSweet): each word of a message and
 * each of its prefixes of 3 to 8 characters is stored as an HMAC-SHA256 under a key of that
 * conversation's own (HKDF from the search root key), truncated to 32 bits. The database can
 * then find the messages holding a word without holding the word: equal words give equal
 * tokens only inside one conversation, and a 32-bit token names a candidate, not a word, so
 * every candidate is confirmed on its decrypted text before it is shown.
 */
export class BlindIndex {
  /** The root key's public name, stored beside each message's tokens: a new key shows which rows to index again. */
  readonly keyId: string;
  private readonly conversationKeys = new Map<string, KeyObject>();

  constructor(private readonly rootKey: Buffer) {
    this.keyId = createHash('sha256').update('chatflow search key id').update(rootKey).digest('hex').slice(0, 16);
  }

  /** The tokens a message's text is stored with: every indexed form of every word, each once. */
  messageTokens(conversationId: string, text: string): number[] {
    const forms = new Set(searchWords(text).flatMap(indexedForms));
    const key = this.conversationKey(conversationId);
    return [...new Set([...forms].map((form) => token(key, form)))];
  }

  /** The tokens a message must hold to match these (normalised) query words, one per word. */
  queryTokens(conversationId: string, queryWords: string[]): number[] {
    const key = this.conversationKey(conversationId);
    return queryWords.map((word) => token(key, queryForm(word)));
  }

  private conversationKey(conversationId: string): KeyObject {
    let key = this.conversationKeys.get(conversationId);
    if (key) {
      // Most recently used last, so the oldest leave first.
      this.conversationKeys.delete(conversationId);
    } else {
      key = createSecretKey(Buffer.from(hkdfSync('sha256', this.rootKey, Buffer.alloc(0), `conversation ${conversationId}`, 32)));
      if (this.conversationKeys.size >= KEY_CACHE_SIZE) this.conversationKeys.delete(this.conversationKeys.keys().next().value!);
    }
    this.conversationKeys.set(conversationId, key);
    return key;
  }
}

/** The first 32 bits of the form's HMAC, as a PostgreSQL int4. */
function token(key: KeyObject, form: string): number {
  return createHmac('sha256', key).update(form, 'utf8').digest().readInt32BE(0);
}
