import { MIN_SEARCH_PREFIX as MIN_PREFIX, searchWords } from '@chatflow/protocol';
import { createHash, createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

/** Longer words are indexed by their prefixes up to this length; a longer query word by its first MAX_PREFIX. */
export const MAX_PREFIX = 8;

/** A word's first MAX_PREFIX characters (code points): all its indexed forms are prefixes of this. */
function head(word: string): string {
  // MAX_PREFIX UTF-16 units or fewer are MAX_PREFIX code points or fewer.
  if (word.length <= MAX_PREFIX) return word;
  let kept = '';
  let n = 0;
  for (const char of word) {
    if (n++ === MAX_PREFIX) break;
    kept += char;
  }
  return kept;
}

/** What a word is indexed as, from its head: itself when shorter than MIN_PREFIX, else its prefixes of MIN_PREFIX to MAX_PREFIX characters. */
function indexedForms(head: string): string[] {
  const chars = [...head];
  if (chars.length < MIN_PREFIX) return [head];
  const forms: string[] = [];
  for (let n = MIN_PREFIX; n <= chars.length; n++) forms.push(chars.slice(0, n).join(''));
  return forms;
}

/** Conversation keys kept derived; past this many the oldest are derived again when needed. */
const KEY_CACHE_SIZE = 10_000;
/** Word heads whose tokens are kept per generation (the cache holds at most two generations). */
export const TOKEN_CACHE_GENERATION = 25_000;

/**
 * A bounded cache that keeps what was used recently: entries go into the young generation; when
 * it is full it becomes the old one and the previous old generation is dropped; an entry found
 * in the old generation is brought back into the young. Two Map lookups at most, no per-hit
 * bookkeeping (an approximate LRU, as in "2Q"/generational caches).
 */
class GenerationalCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  constructor(private readonly generation: number) {}

  get(key: string): V | undefined {
    const found = this.young.get(key);
    if (found !== undefined) return found;
    const aged = this.old.get(key);
    if (aged !== undefined) this.set(key, aged);
    return aged;
  }

  set(key: string, value: V): void {
    this.young.set(key, value);
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
  }
}

/**
 * A blind index of message words (in the manner of CipherSweet): each word of a message and
 * each of its prefixes of 3 to 8 characters is stored as an HMAC-SHA256 under a key of that
 * conversation's own (HKDF from the search root key), truncated to 32 bits. The database can
 * then find the messages holding a word without holding the word: equal words give equal
 * tokens only inside one conversation, and a 32-bit token names a candidate, not a word, so
 * every candidate is confirmed on its decrypted text before it is shown.
 *
 * A word's tokens depend only on its conversation and its first 8 characters, and chat words
 * repeat (a few are very common), so the tokens of recent (conversation, word head) pairs are
 * kept in memory: a message of known words costs no HMAC.
 */
export class BlindIndex {
  /** The root key's public name, stored beside each message's tokens: a new key shows which rows to index again. */
  readonly keyId: string;
  private readonly conversationKeys = new Map<string, KeyObject>();
  private readonly headTokens: GenerationalCache<number[]>;

  constructor(
    private readonly rootKey: Buffer,
    tokenCacheGeneration = TOKEN_CACHE_GENERATION,
  ) {
    this.keyId = createHash('sha256').update('chatflow search key id').update(rootKey).digest('hex').slice(0, 16);
    this.headTokens = new GenerationalCache(tokenCacheGeneration);
  }

  /** The tokens a message's text is stored with: every indexed form of every word, each once. */
  messageTokens(conversationId: string, text: string): number[] {
    const tokens = new Set<number>();
    const heads = new Set<string>();
    for (const word of searchWords(text)) heads.add(head(word));
    // Forms hashed for this message: words that share a prefix share its HMAC.
    const made = new Map<string, number>();
    for (const wordHead of heads) for (const t of this.headTokensOf(conversationId, wordHead, made)) tokens.add(t);
    return [...tokens];
  }

  /** The tokens a message must hold to match these (normalised) query words, one per word. */
  queryTokens(conversationId: string, queryWords: string[]): number[] {
    const made = new Map<string, number>();
    return queryWords.map((word) => {
      const tokens = this.headTokensOf(conversationId, head(word), made);
      // The longest form: the word itself when short, else its first MAX_PREFIX characters.
      return tokens[tokens.length - 1];
    });
  }

  /** The tokens of every indexed form of a word head, shortest form first: cached, else made (reusing those in `made`). */
  private headTokensOf(conversationId: string, wordHead: string, made: Map<string, number>): number[] {
    // Conversation ids hold no NUL, so the pair is unambiguous.
    const cacheKey = `${conversationId}\u0000${wordHead}`;
    let tokens = this.headTokens.get(cacheKey);
    if (!tokens) {
      let key: KeyObject | undefined;
      tokens = indexedForms(wordHead).map((form) => {
        let t = made.get(form);
        if (t === undefined) {
          key ??= this.conversationKey(conversationId);
          t = token(key, form);
          made.set(form, t);
        }
        return t;
      });
      this.headTokens.set(cacheKey, tokens);
    }
    return tokens;
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
