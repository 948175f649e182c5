import { randomBytes } from 'node:crypto';
import { AttachmentUrls } from './attachment-urls';

const ID = '0b6c3a4e-1f2d-4c5b-9a8e-7d6c5b4a3f21';
const OTHER = '1c7d4b5f-2e3a-4d6c-8b9f-8e7d6c5b4a32';

function parts(url: string) {
  const parsed = new URL(url, 'http://x');
  return { path: parsed.pathname, expires: parsed.searchParams.get('expires')!, signature: parsed.searchParams.get('signature')! };
}

describe('AttachmentUrls', () => {
  const key = randomBytes(32);
  let now = Date.UTC(2026, 11, 2, 10, 0, 0);
  const urls = new AttachmentUrls(key, 600, () => now);

  it('signs a path that verifies for that file and variant until it expires', () => {
    const { path, expires, signature } = parts(urls.sign(ID, 'original'));
    expect(path).toBe(`/attachments/${ID}/original`);
    expect(Number(expires)).toBe(now / 1000 + 600);
    expect(urls.verify(ID, 'original', expires, signature)).toBe('ok');
    now += 600_000;
    expect(urls.verify(ID, 'original', expires, signature)).toBe('ok');
    now += 1000;
    expect(urls.verify(ID, 'original', expires, signature)).toBe('expired');
  });

  it('refuses another file, variant, expiry, signature or key', () => {
    const { expires, signature } = parts(urls.sign(ID, 'original'));
    expect(urls.verify(OTHER, 'original', expires, signature)).toBe('invalid');
    expect(urls.verify(ID, 'thumbnail', expires, signature)).toBe('invalid');
    expect(urls.verify(ID, 'original', String(Number(expires) + 1), signature)).toBe('invalid');
    expect(urls.verify(ID, 'original', expires, `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`)).toBe('invalid');
    expect(new AttachmentUrls(randomBytes(32), 600, () => now).verify(ID, 'original', expires, signature)).toBe('invalid');
  });

  it('refuses missing or malformed parts without throwing', () => {
    const { expires, signature } = parts(urls.sign(ID, 'original'));
    expect(urls.verify(ID, 'original', undefined, signature)).toBe('invalid');
    expect(urls.verify(ID, 'original', expires, undefined)).toBe('invalid');
    expect(urls.verify(ID, 'original', '1e9', signature)).toBe('invalid');
    expect(urls.verify(ID, 'original', expires, 'short')).toBe('invalid');
  });

  it('does not depend on the letter case of the id', () => {
    const { expires, signature } = parts(urls.sign(ID.toUpperCase(), 'original'));
    expect(urls.verify(ID, 'original', expires, signature)).toBe('ok');
  });
});
