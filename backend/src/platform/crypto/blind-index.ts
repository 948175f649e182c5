import { createHash, createHmac, createSecretKey, hkdfSync, type KeyObject } from 'node:crypto';

/** Prefixes from this many characters are indexed and searchable; shorter words only whole. */
export const MIN_PREFIX = 3;
/** Longer words are indexed by their prefixes up to this length; a longer query word by its first MAX_PREFIX. */
export const MAX_PREFIX = 8;

const WORDS = new Intl.Segmenter('und', { granularity: 'word' });
/**
 * Combining marks that are accents rather than letters: Latin, Greek and Cyrillic diacritics
 * (and their extensions), Hebrew points and Arabic vowel marks. Marks that are letters of their
 * script (Devanagari vowel signs, Japanese voicing marks) stay.
 */
const DIACRITICS: ReadonlyArray<readonly [number, number]> = [
  [0x0300, 0x036f],
  [0x1ab0, 0x1aff],
  [0x1dc0, 0x1dff],
  [0x20d0, 0x20ff],
  [0xfe20, 0xfe2f],
  [0x0591, 0x05c7],
  [0x064b, 0x065f],
  [0x0670, 0x0670],
];
/** These marks are all in the Basic Multilingual Plane: one test per UTF-16 unit suffices. */
const isDiacritic = (code: number) => code >= 0x0300 && DIACRITICS.some(([from, to]) => code >= from && code <= to);

function withoutDiacritics(decomposed: string): string {
  let kept = '';
  for (let i = 0; i < decomposed.length; i++) {
    if (!isDiacritic(decomposed.charCodeAt(i))) kept += decomposed[i];
  }
  return kept;
}
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * The text as search compares it: NFKC (ligatures, full-width and compatibility forms become
 * their plain letters), case-folded (lower case, ß → ss, final sigma → σ), without diacritics.
 */
export function normalizeForSearch(text: string): string {
  const folded = text.normalize('NFKC').toLowerCase().replace(/ß/g, 'ss').replace(/ς/g, 'σ');
  return withoutDiacritics(folded.normalize('NFD')).normalize('NFC');
}

/**
 * The distinct words of a text, normalised, in order of first appearance. Words are what
 * Unicode's word segmentation (Intl.Segmenter, dictionary-based for scripts written without
 * spaces) calls words; emoji, punctuation and symbols are none.
 */
export function searchWords(text: string): string[] {
  const words = new Set<string>();
  for (const { segment, isWordLike } of WORDS.segment(normalizeForSearch(text))) {
    if (isWordLike && LETTER_OR_DIGIT.test(segment)) words.add(segment);
  }
  return [...words];
}

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

/**
 * Whether a text matches every query word: a query word shorter than MIN_PREFIX characters
 * must be one of its words, a longer one the start of one of them. This is the confirmation of
 * a candidate the index found (its tokens are truncated hashes, and prefixes stop at MAX_PREFIX).
 */
export function matchesQuery(text: string, queryWords: string[]): boolean {
  const words = searchWords(text);
  return queryWords.every((q) => words.some((w) => w === q || ([...q].length >= MIN_PREFIX && w.startsWith(q))));
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
