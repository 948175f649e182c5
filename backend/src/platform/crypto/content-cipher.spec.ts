import { randomBytes } from 'node:crypto';
import { ContentCipher } from './content-cipher';

const key = () => randomBytes(32);

describe('ContentCipher', () => {
  it('round-trips text exactly, emoji and right-to-left included', () => {
    const cipher = new ContentCipher({ current: key(), previous: [] });
    const text = 'שלום 👋🏽 مرحبا — x\u200Fy\n\ttabs';
    const sealed = cipher.seal(text, 'row-1');
    expect(cipher.open(sealed.ciphertext, sealed.keyId, 'row-1')).toBe(text);
  });

  it('never leaves the plaintext in the ciphertext', () => {
    const cipher = new ContentCipher({ current: key(), previous: [] });
    const sealed = cipher.seal('top secret plans', 'row-1');
    expect(sealed.ciphertext.includes(Buffer.from('top secret'))).toBe(false);
  });

  it('uses a fresh nonce for every message', () => {
    const cipher = new ContentCipher({ current: key(), previous: [] });
    expect(cipher.seal('same', 'a').ciphertext.equals(cipher.seal('same', 'a').ciphertext)).toBe(false);
  });

  it('refuses a ciphertext moved to another row', () => {
    const cipher = new ContentCipher({ current: key(), previous: [] });
    const sealed = cipher.seal('hello', 'row-1');
    expect(() => cipher.open(sealed.ciphertext, sealed.keyId, 'row-2')).toThrow();
  });

  it('refuses a tampered ciphertext', () => {
    const cipher = new ContentCipher({ current: key(), previous: [] });
    const sealed = cipher.seal('hello', 'row-1');
    sealed.ciphertext[sealed.ciphertext.length - 1] ^= 1;
    expect(() => cipher.open(sealed.ciphertext, sealed.keyId, 'row-1')).toThrow();
  });

  it('reads messages sealed under a previous key after rotation, and seals new ones under the current key', () => {
    const oldKey = key();
    const before = new ContentCipher({ current: oldKey, previous: [] });
    const sealed = before.seal('from last year', 'row-1');
    const after = new ContentCipher({ current: key(), previous: [oldKey] });
    expect(after.open(sealed.ciphertext, sealed.keyId, 'row-1')).toBe('from last year');
    expect(after.seal('new', 'row-2').keyId).not.toBe(sealed.keyId);
  });

  it('names the missing key when a row was sealed under a key that is no longer configured', () => {
    const sealed = new ContentCipher({ current: key(), previous: [] }).seal('x', 'row-1');
    const other = new ContentCipher({ current: key(), previous: [] });
    expect(() => other.open(sealed.ciphertext, sealed.keyId, 'row-1')).toThrow(/ENCRYPTION_KEYS_PREVIOUS/);
  });

  it('knows which key ids it can open: the current key and the previous ones', () => {
    const oldKey = key();
    const retired = key();
    const cipher = new ContentCipher({ current: key(), previous: [oldKey] });
    expect(cipher.hasKey(cipher.currentKeyId)).toBe(true);
    expect(cipher.hasKey(ContentCipher.keyId(oldKey))).toBe(true);
    expect(cipher.hasKey(ContentCipher.keyId(retired))).toBe(false);
  });
});
