import { MAX_CONTENT_CHARACTERS } from '@chatflow/protocol';
import { highlight, linkify, safeHref, sendableContent } from './text';

describe('linkify', () => {
  it('turns http and https URLs into links and leaves the rest as text', () => {
    expect(linkify('see https://example.com/a?b=1 and http://x.org')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org/' },
    ]);
  });

  it('never links other schemes', () => {
    for (const text of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'ftp://example.com', 'vbscript:msgbox']) {
      expect(linkify(text)).toEqual([{ kind: 'text', text }]);
    }
  });

  it('leaves sentence punctuation out of the link', () => {
    expect(linkify('go to https://example.com.')).toEqual([
      { kind: 'text', text: 'go to ' },
      { kind: 'link', text: 'https://example.com', href: 'https://example.com/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('links an address written from www. to it over https, without the sentence punctuation', () => {
    expect(linkify('see www.example.com/a?b=1, or WWW.Example.org.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'www.example.com/a?b=1', href: 'https://www.example.com/a?b=1' },
      { kind: 'text', text: ', or ' },
      { kind: 'link', text: 'WWW.Example.org', href: 'https://www.example.org/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('leaves www. alone where it is not the start of an address', () => {
    for (const text of ['mail me@www.example.com', 'a.www.example.com', 'https-less /www.example.com', 'www.example', 'www.']) {
      expect(linkify(text)).toEqual([{ kind: 'text', text }]);
    }
    expect(linkify('https://www.example.com')).toEqual([{ kind: 'link', text: 'https://www.example.com', href: 'https://www.example.com/' }]);
  });

  it('keeps HTML as plain text', () => {
    expect(linkify('<img src=x onerror=alert(1)>')).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)>' }]);
  });
});

describe('safeHref', () => {
  it('accepts only http and https', () => {
    expect(safeHref('https://a.b/c')).toBe('https://a.b/c');
    expect(safeHref('JAVASCRIPT:alert(1)')).toBeNull();
    expect(safeHref('not a url')).toBeNull();
  });
});

describe('highlight', () => {
  it('marks every case-insensitive hit in text segments', () => {
    expect(highlight([{ kind: 'text', text: 'Tea or tea?' }], 'TEA')).toEqual([
      { kind: 'hit', text: 'Tea' },
      { kind: 'text', text: ' or ' },
      { kind: 'hit', text: 'tea' },
      { kind: 'text', text: '?' },
    ]);
  });

  it('marks whole words as the server matches them: prefixes from 3 characters, ignoring diacritics', () => {
    expect(highlight([{ kind: 'text', text: 'Café au lait, CAFETERIA' }], 'caf au')).toEqual([
      { kind: 'hit', text: 'Café' },
      { kind: 'text', text: ' ' },
      { kind: 'hit', text: 'au' },
      { kind: 'text', text: ' lait, ' },
      { kind: 'hit', text: 'CAFETERIA' },
    ]);
    expect(highlight([{ kind: 'text', text: 'beautiful' }], 'au')).toEqual([{ kind: 'text', text: 'beautiful' }]);
  });

  it('leaves links alone and ignores a blank query', () => {
    const segments = linkify('https://tea.com tea');
    expect(highlight(segments, '   ')).toBe(segments);
    expect(highlight(segments, 'tea')[0]).toEqual(segments[0]);
  });
});


describe('sendableContent', () => {
  it('drops blank lines before and white space after, keeps the indentation, and refuses what is blank', () => {
    expect(sendableContent('\n  \n  hi there \n')).toBe('  hi there');
    expect(sendableContent('  one\n    two  ')).toBe('  one\n    two');
    expect(sendableContent(' \n\t ')).toBeNull();
  });

  it('counts characters as the server does: an emoji is one', () => {
    const most = '😀'.repeat(MAX_CONTENT_CHARACTERS);
    expect(sendableContent(most)).toBe(most);
    expect(sendableContent(most + '😀')).toBeNull();
    // Counted once trimmed, as the server counts: the indentation does not count.
    expect(sendableContent(` ${'a'.repeat(MAX_CONTENT_CHARACTERS)} `)).toBe(` ${'a'.repeat(MAX_CONTENT_CHARACTERS)}`);
  });
});
