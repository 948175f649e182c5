import { countCharacters, firstCharacters, isSingleEmoji, MAX_CONTENT_CHARACTERS, messageText } from './limits';

describe('countCharacters', () => {
  it('counts an emoji as one character, as people do', () => {
    expect(countCharacters('hi 🙂')).toBe(4);
    expect('hi 🙂'.length).toBe(5);
  });

  it('counts letters outside the Basic Multilingual Plane once each', () => {
    expect(countCharacters('𝔘𝔫𝔦𝔠𝔬𝔡𝔢')).toBe(7);
  });

  it('lets a message of the maximum number of emoji through and one more not', () => {
    expect(countCharacters('😀'.repeat(MAX_CONTENT_CHARACTERS))).toBe(MAX_CONTENT_CHARACTERS);
    expect(countCharacters('😀'.repeat(MAX_CONTENT_CHARACTERS + 1))).toBeGreaterThan(MAX_CONTENT_CHARACTERS);
  });
});

describe('firstCharacters', () => {
  it('cuts after that many characters, never inside an emoji', () => {
    expect(firstCharacters('ab🙂cd', 3)).toBe('ab🙂');
    expect(firstCharacters('🙂🙂', 1)).toBe('🙂');
  });

  it('keeps a text that is short enough whole', () => {
    expect(firstCharacters('hello', 5)).toBe('hello');
    expect(firstCharacters('', 200)).toBe('');
  });
});

describe('isSingleEmoji', () => {
  it.each(['👍', '❤️', '😂', '👍🏽', '🇫🇷', '1️⃣', '👩‍👩‍👧'])('takes %s', (emoji) => {
    expect(isSingleEmoji(emoji)).toBe(true);
  });

  it.each(['', 'a', '1', '👍👍', '👍 ', ':)', 'ok', '\u0000'])('refuses %j', (text) => {
    expect(isSingleEmoji(text)).toBe(false);
  });
});

describe('messageText', () => {
  it('drops blank lines before the text and white space after it, keeping its indentation', () => {
    expect(messageText('\n \n\t  def f():\n      return 1\n\n  ')).toBe('\t  def f():\n      return 1');
    expect(messageText('  hi  ')).toBe('  hi');
    expect(messageText('hi')).toBe('hi');
    expect(messageText(' \n\t ')).toBe('');
  });
});
