import { randomBytes, randomUUID } from 'node:crypto';
import { BlindIndex } from './blind-index';

describe('BlindIndex', () => {
  const conversation = randomUUID();
  const index = new BlindIndex(randomBytes(32));

  it('finds a message by any of its words, a prefix of 3 to 8 characters or a longer one', () => {
    const stored = new Set(index.messageTokens(conversation, 'Meet me at the Internationalization summit'));
    for (const word of ['meet', 'me', 'at', 'mee', 'inte', 'internat', 'internationalization', 'summit']) {
      expect(stored.has(index.queryTokens(conversation, [word])[0])).toBe(true);
    }
    expect(stored.has(index.queryTokens(conversation, ['su'])[0])).toBe(false);
  });

  it('gives the same word different tokens in different conversations and under different keys', () => {
    const [here] = index.queryTokens(conversation, ['secret']);
    expect(index.queryTokens(randomUUID(), ['secret'])[0]).not.toBe(here);
    expect(new BlindIndex(randomBytes(32)).queryTokens(conversation, ['secret'])[0]).not.toBe(here);
  });

  it('stores 32-bit integers, each once', () => {
    const tokens = index.messageTokens(conversation, 'banana banana bandana');
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const t of tokens) expect(t).toBe(t | 0);
  });

  it('answers the same tokens from its cache as when it makes them, also after they left the cache', () => {
    const key = randomBytes(32);
    const cached = new BlindIndex(key);
    // A cache of one entry a generation: nearly every word is made again.
    const forgetful = new BlindIndex(key, 1);
    const texts = ['Meet me at the Internationalization summit', 'internal summits meet', 'Café crème, ok?', '東京タワーに行きました'];
    for (let round = 0; round < 3; round++) {
      for (const text of texts) {
        expect(cached.messageTokens(conversation, text).sort()).toEqual(forgetful.messageTokens(conversation, text).sort());
      }
    }
    expect(cached.queryTokens(conversation, ['internationalization', 'me', 'sum'])).toEqual(
      new BlindIndex(key, 1).queryTokens(conversation, ['internat', 'me', 'sum']),
    );
    expect(cached.messageTokens(randomUUID(), texts[0]).sort()).not.toEqual(cached.messageTokens(conversation, texts[0]).sort());
  });

  it('names its key by a hash that changes with the key', () => {
    const key = randomBytes(32);
    expect(new BlindIndex(key).keyId).toBe(new BlindIndex(key).keyId);
    expect(new BlindIndex(randomBytes(32)).keyId).not.toBe(new BlindIndex(key).keyId);
  });
});
