/**
 * How search reads text, shared by the server's index and the web client's highlighting so
 * both agree on what a word is and when it matches.
 */

/** Prefixes from this many characters are searchable; shorter query words match whole words only. */
export const MIN_SEARCH_PREFIX = 3;

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
  // NFKC, NFD and NFC leave ASCII as it is, and it has no ß, ς or diacritics.
  if (ASCII.test(text)) return text.toLowerCase();
  const folded = text.normalize('NFKC').toLowerCase().replace(/ß/g, 'ss').replace(/ς/g, 'σ');
  return withoutDiacritics(folded.normalize('NFD')).normalize('NFC');
}

/**
 * The distinct words of a text, normalised, in order of first appearance. Words are what
 * Unicode's word segmentation (Intl.Segmenter, dictionary-based for scripts written without
 * spaces) calls words; emoji, punctuation and symbols are none.
 */
export function searchWords(text: string): string[] {
  const normalized = normalizeForSearch(text);
  return simpleAsciiWords(normalized) ?? segmentedWords(normalized);
}

/** The words of normalised text as Intl.Segmenter finds them. */
export function segmentedWords(normalized: string): string[] {
  const words = new Set<string>();
  for (const { segment, isWordLike } of WORDS.segment(normalized)) {
    if (isWordLike && LETTER_OR_DIGIT.test(segment)) words.add(segment);
  }
  return [...words];
}

const ASCII = /^\p{ASCII}*$/u;
/**
 * Lower-case ASCII letters and digits, white space, and punctuation whose word-break rules
 * (Unicode UAX #29) depend only on the characters either side; `_` (which joins words) and
 * `:` (whose class differs between implementations) are left to Intl.Segmenter.
 */
const SIMPLE_ASCII = /^[a-z0-9 \t\n\r\v\f!"#$%&()*+\-/<=>?@[\\\]^`{|}~.,;']*$/;
const isLetter = (c: number) => c >= 0x61 && c <= 0x7a;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * Whether the punctuation mark `c` between `before` and `after` stays inside a word: `.` and `'`
 * between two letters or two digits (UAX #29 WB6/7, WB11/12), `,` and `;` between two digits
 * (WB11/12).
 */
function joins(c: number, before: number, after: number): boolean {
  if (c === 0x2e || c === 0x27) return (isLetter(before) && isLetter(after)) || (isDigit(before) && isDigit(after));
  if (c === 0x2c || c === 0x3b) return isDigit(before) && isDigit(after);
  return false;
}

/**
 * The words of normalised text made only of SIMPLE_ASCII characters, as Intl.Segmenter finds
 * them (a property test compares the two) but without it, which costs most of a short
 * message's indexing; undefined for any other text.
 */
export function simpleAsciiWords(normalized: string): string[] | undefined {
  if (!SIMPLE_ASCII.test(normalized)) return undefined;
  const words = new Set<string>();
  let start = -1;
  for (let i = 0; i < normalized.length; i++) {
    const c = normalized.charCodeAt(i);
    if (isLetter(c) || isDigit(c)) {
      if (start < 0) start = i;
    } else if (start >= 0 && !(i + 1 < normalized.length && joins(c, normalized.charCodeAt(i - 1), normalized.charCodeAt(i + 1)))) {
      words.add(normalized.slice(start, i));
      start = -1;
    }
  }
  if (start >= 0) words.add(normalized.slice(start));
  return [...words];
}

/**
 * Whether a word matches a (normalised) query word: equal to it, or, for a query word of
 * MIN_SEARCH_PREFIX characters or more, starting with it.
 */
export function wordMatches(word: string, queryWord: string): boolean {
  return word === queryWord || ([...queryWord].length >= MIN_SEARCH_PREFIX && word.startsWith(queryWord));
}

/** Whether a text matches every query word (each matching one of its words). */
export function matchesQuery(text: string, queryWords: string[]): boolean {
  const words = searchWords(text);
  return queryWords.every((q) => words.some((w) => wordMatches(w, q)));
}

/**
 * Where the words of a text that match a query word are, as [start, end) offsets into the
 * text as it is (for highlighting): whole words, as segmented before normalising.
 */
export function matchingWordRanges(text: string, queryWords: string[]): Array<[number, number]> {
  if (!queryWords.length) return [];
  const ranges: Array<[number, number]> = [];
  for (const { segment, index, isWordLike } of WORDS.segment(text)) {
    if (!isWordLike) continue;
    const word = normalizeForSearch(segment);
    if (queryWords.some((q) => wordMatches(word, q))) ranges.push([index, index + segment.length]);
  }
  return ranges;
}
