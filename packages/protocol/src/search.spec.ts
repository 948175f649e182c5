import { matchesQuery, matchingWordRanges, normalizeForSearch, searchWords } from './search';

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
