import { browserOriginAllowed } from './browser-origin';

const CONFIGURED = ['http://localhost:3000', 'https://chat.example.com'];
const upgrade = (headers: Record<string, string>) => ({ headers });

describe('browserOriginAllowed', () => {
  it('accepts a connection without an Origin: not a browser', () => {
    expect(browserOriginAllowed(upgrade({ host: 'api.example.com' }), CONFIGURED)).toBe(true);
  });

  it('accepts a configured origin, whatever host it connects to', () => {
    expect(browserOriginAllowed(upgrade({ origin: 'https://chat.example.com', host: 'api.example.com' }), CONFIGURED)).toBe(true);
  });

  it('accepts a page of the very host it connects to (the web client behind its own server)', () => {
    expect(browserOriginAllowed(upgrade({ origin: 'http://127.0.0.1:4173', host: '127.0.0.1:4173' }), CONFIGURED)).toBe(true);
    expect(browserOriginAllowed(upgrade({ origin: 'https://Chat.Example.org', host: 'chat.example.org' }), CONFIGURED)).toBe(true);
  });

  it.each([
    ['another site', 'https://evil.example', 'api.example.com'],
    ['a configured origin with another scheme', 'https://localhost:3000', 'api.example.com'],
    ['a configured origin with another port', 'http://localhost:30001', 'api.example.com'],
    ['a look-alike of a configured origin', 'http://localhost:3000.evil.example', 'api.example.com'],
    ['the same host name on another port', 'http://127.0.0.1:9999', '127.0.0.1:4173'],
    ['an opaque origin', 'null', 'api.example.com'],
    ['a non-web scheme', 'chrome-extension://abcdef', 'abcdef'],
  ])('refuses %s', (_label, origin, host) => {
    expect(browserOriginAllowed(upgrade({ origin, host }), CONFIGURED)).toBe(false);
  });

  it('accepts every origin when CORS_ORIGINS is *', () => {
    expect(browserOriginAllowed(upgrade({ origin: 'https://anything.example', host: 'api.example.com' }), ['*'])).toBe(true);
  });
});
