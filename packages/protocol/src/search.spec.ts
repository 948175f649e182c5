import { matchesQuery, matchingWordRanges, normalizeForSearch, searchWords, segmentedWords, simpleAsciiWords } from './search';

describe('normalizeForSearch', () => {
  it.each([
    ['Café', 'cafe'],
    ['ÉCOLE Ñandú', 'ecole nandu'],
    ['Straße', 'strasse'],
    ['ΣΟΦΟΣ σοφός', 'σοφοσ σοφοσ'],
    ['ﬁle ＡＢＣ', 'file abc'],
    ['Ёлка', 'елка'],
    ['שָׁלוֹם', 'שלום'],
  ])('folds %s to %s', (text, folded) => {
    expect(normalizeForSearch(text)).toBe(folded);
  });

  it('keeps the marks that are letters of their script', () => {
    expect(normalizeForSearch('がっこう')).toBe('がっこう');
    expect(normalizeForSearch('नमस्ते')).toBe('नमस्ते');
  });
});

describe('searchWords', () => {
  it('splits on word boundaries, ignoring emoji, punctuation and repeats', () => {
    expect(searchWords('Café 😀 au lait! 👍🏽 café, e-mail')).toEqual(['cafe', 'au', 'lait', 'e', 'mail']);
  });

  it('splits a script written without spaces into words', () => {
    expect(searchWords('東京タワーに行きました')).toContain('東京タワー');
  });

  it('finds no word in emoji alone', () => {
    expect(searchWords('😀👍🏽🎉')).toEqual([]);
  });
});

describe('matchesQuery', () => {
  it('takes a query word of 3 characters or more as a prefix and a shorter one as a whole word', () => {
    expect(matchesQuery('International café', ['internationa', 'caf'])).toBe(true);
    expect(matchesQuery('International café', ['in'])).toBe(false);
    expect(matchesQuery('in a café', ['in'])).toBe(true);
  });

  it('needs every word', () => {
    expect(matchesQuery('red apple', ['red', 'pear'])).toBe(false);
  });
});

describe('matchingWordRanges', () => {
  it('names the words of the text as written that match a query word', () => {
    const text = 'Meet at the Café, CAFETERIA closed';
    expect(matchingWordRanges(text, ['caf']).map(([a, b]) => text.slice(a, b))).toEqual(['Café', 'CAFETERIA']);
    expect(matchingWordRanges(text, ['at']).map(([a, b]) => text.slice(a, b))).toEqual(['at']);
    expect(matchingWordRanges(text, [])).toEqual([]);
  });
});

describe('simpleAsciiWords', () => {
  /** A small deterministic generator (mulberry32), so a failure can be run again. */
  function random(seed: number): () => number {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('finds the words Intl.Segmenter finds, in every text it takes', () => {
    const next = random(15);
    // Letters and digits weighted up, every punctuation mark the fast path takes, and some it does not.
    const alphabet = "abcxyz0189abz09 .,;'\t\n!\"#$%&()*+-/<=>?@[\\]^`{|}~:_";
    let taken = 0;
    for (let n = 0; n < 20_000; n++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 16) }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
      const fast = simpleAsciiWords(text);
      if (fast === undefined) {
        expect(/[:_]/.test(text)).toBe(true);
        continue;
      }
      taken++;
      expect([text, fast]).toEqual([text, segmentedWords(text)]);
    }
    expect(taken).toBeGreaterThan(10_000);
  });

  it.each([
    ["Don't stop at 3.14, or 1,000; e.g. a.b. end.", ["don't", 'stop', 'at', '3.14', 'or', '1,000', 'e.g', 'a.b', 'end']],
    ['1.a a.1 a1.2 x..y', ['1', 'a', 'a1.2', 'x', 'y']],
  ])('reads %j as Intl.Segmenter does', (text, words) => {
    expect(searchWords(text)).toEqual(words);
    expect(segmentedWords(normalizeForSearch(text))).toEqual(words);
  });

  it('leaves other text to Intl.Segmenter', () => {
    expect(simpleAsciiWords('snake_case')).toBeUndefined();
    expect(simpleAsciiWords('10:30')).toBeUndefined();
    expect(simpleAsciiWords('café')).toBeUndefined();
    expect(simpleAsciiWords('Upper')).toBeUndefined();
  });
});
