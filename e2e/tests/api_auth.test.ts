import { createHmac, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { startApp, TestApp } from '../support/app';
import { expectError } from '../support/errors';
import { registerUser, TestUser, uniqueName } from '../support/users';

/**
 * Accounts, tokens and the user directory over HTTP (API.md: POST /auth/register,
 * POST /auth/login, GET/PATCH /users/me, GET /users/), on the real app and database.
 */

const ISO_MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const USER_KEYS = ['avatar_url', 'created_at', 'email', 'full_name', 'id', 'username'];
const PUBLIC_USER_KEYS = ['avatar_url', 'full_name', 'id', 'is_online', 'last_seen_at', 'username'];
const TOKEN_KEYS = ['access_token', 'expires_in', 'token_type'];

interface Account {
  username: string;
  email: string;
  password: string;
}

function newAccount(prefix = 'a'): Account {
  const username = uniqueName(prefix);
  return { username, email: `${username}@example.test`, password: `pw-${randomBytes(6).toString('hex')}` };
}

function register(t: TestApp, body: unknown): Promise<Response> {
  return t.http().post('/auth/register').send(body as object);
}

function login(t: TestApp, username: string, password: string, address?: string): Promise<Response> {
  const req = t.http().post('/auth/login');
  if (address) req.set('X-Forwarded-For', address);
  return req.send({ username, password });
}

/** Rows whose username or email equals either given one, ignoring case. */
async function rowsFor(t: TestApp, username: string, email: string): Promise<number> {
  const { rows } = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM users WHERE lower(username) = lower($1) OR lower(email) = lower($2)',
    [username, email],
  );
  return rows[0].n;
}

const b64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS signed with HMAC-SHA256 (or the algorithm the header names, for HS512). */
function signJwt(claims: object, secret: string, header: { alg: string; typ?: string } = { alg: 'HS256', typ: 'JWT' }): string {
  const input = `${b64url(header)}.${b64url(claims)}`;
  const digest = header.alg === 'HS512' ? 'sha512' : 'sha256';
  return `${input}.${createHmac(digest, secret).update(input).digest('base64url')}`;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('auth and users API', () => {
  /** The server's signing secret and token lifetime, set here so tokens can be forged and checked. */
  const SECRET_KEY = randomBytes(32).toString('base64url');
  const TOKEN_TTL_SECONDS = 3600;
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ env: { SECRET_KEY, ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS) } });
  });
  afterAll(() => t.close());

  describe('POST /auth/register', () => {
    it('returns 201 with exactly the User object of the new account', async () => {
      const account = newAccount();
      const before = Date.now();
      const res = await register(t, { ...account, full_name: 'Ada Lovelace' });
      const after = Date.now();

      expect(res.status).toBe(201);
      expect(res.headers['content-type']).toMatch(/^application\/json\b/);
      expect(Object.keys(res.body).sort()).toEqual(USER_KEYS);
      expect(res.body.id).toMatch(UUID);
      expect(res.body.username).toBe(account.username);
      expect(res.body.email).toBe(account.email);
      expect(res.body.full_name).toBe('Ada Lovelace');
      expect(res.body.avatar_url).toBeNull();
      expect(res.body.created_at).toMatch(ISO_MS_UTC);
      const created = Date.parse(res.body.created_at);
      expect(created).toBeGreaterThanOrEqual(before - 1000);
      expect(created).toBeLessThanOrEqual(after + 1000);
      expect(res.text).not.toContain(account.password);
    });

    it('stores the account so that GET /users/me returns the same User', async () => {
      const account = newAccount();
      const reg = await register(t, account);
      const token = (await login(t, account.username, account.password)).body.access_token;
      const me = await t.http().get('/users/me').set('Authorization', `Bearer ${token}`);
      expect(me.status).toBe(200);
      expect(me.body).toEqual(reg.body);
    });

    it('answers full_name null when it is not given', async () => {
      const res = await register(t, newAccount());
      expect(res.status).toBe(201);
      expect(res.body.full_name).toBeNull();
    });

    it('gives every account its own id', async () => {
      const [a, b] = await Promise.all([register(t, newAccount()), register(t, newAccount())]);
      expect(a.status).toBe(201);
      expect(b.status).toBe(201);
      expect(a.body.id).not.toBe(b.body.id);
    });

    describe('accepts the limits themselves', () => {
      it('a username of exactly 3 characters', async () => {
        const account = { ...newAccount(), username: randomBytes(2).toString('hex').slice(0, 3) };
        const res = await register(t, account);
        expect(res.status).toBe(201);
        expect(res.body.username).toBe(account.username);
      });

      it('a username of exactly 32 characters using every allowed kind of character', async () => {
        const username = `${uniqueName('Ok')}.-`.padEnd(32, 'Z');
        expect(username).toHaveLength(32);
        const res = await register(t, { ...newAccount(), username });
        expect(res.status).toBe(201);
        expect(res.body.username).toBe(username);
      });

      it.each([8, 128])('a password of exactly %i characters, which then logs in', async (length) => {
        const account = { ...newAccount(), password: randomBytes(length).toString('base64url').slice(0, length) };
        expect(account.password).toHaveLength(length);
        expect((await register(t, account)).status).toBe(201);
        const res = await login(t, account.username, account.password);
        expect(res.status).toBe(200);
      });

      it('a full_name of exactly 100 characters', async () => {
        const fullName = `N ${randomBytes(8).toString('hex')}`.padEnd(100, 'n');
        const res = await register(t, { ...newAccount(), full_name: fullName });
        expect(res.status).toBe(201);
        expect(res.body.full_name).toBe(fullName);
      });
    });

    describe('409 when the username or email is taken', () => {
      let existing: Account;
      beforeAll(async () => {
        existing = newAccount('Taken');
        const res = await register(t, existing);
        expect(res.status).toBe(201);
      });

      it('rejects the same username in another case, and stores nothing', async () => {
        const other = newAccount();
        const res = await register(t, { ...other, username: existing.username.toLowerCase() });
        expectError(res, 409);
        const upper = await register(t, { ...other, username: existing.username.toUpperCase() });
        expectError(upper, 409);
        expect(await rowsFor(t, other.username, other.email)).toBe(0);
      });

      it('rejects the same email in another case, and stores nothing', async () => {
        const other = newAccount();
        const res = await register(t, { ...other, email: existing.email.toUpperCase() });
        expectError(res, 409);
        expect(await rowsFor(t, other.username, other.email)).toBe(0);
      });

      it('lets exactly one of several simultaneous registrations of one username through', async () => {
        const username = uniqueName('race');
        const attempts = await Promise.all(
          [username, username.toUpperCase(), username, username.toUpperCase(), username, username].map((name) =>
            register(t, { ...newAccount(), username: name }),
          ),
        );
        const statuses = attempts.map((r) => r.status).sort();
        expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
        for (const res of attempts.filter((r) => r.status === 409)) expectError(res, 409);
        const { rows } = await t.db.query('SELECT id FROM users WHERE lower(username) = lower($1)', [username]);
        expect(rows).toHaveLength(1);
      });
    });

    describe('400 for an invalid body, storing nothing', () => {
      const cases: Array<[string, (a: Account) => Record<string, unknown>]> = [
        ['a username of 2 characters', (a) => ({ ...a, username: a.username.slice(0, 2) })],
        ['a username of 33 characters', (a) => ({ ...a, username: a.username.padEnd(33, 'x') })],
        ['a username with a space', (a) => ({ ...a, username: `${a.username} x` })],
        ['a username with @', (a) => ({ ...a, username: `${a.username}@x` })],
        ['a username with /', (a) => ({ ...a, username: `${a.username}/x` })],
        ['a username with a non-ASCII letter', (a) => ({ ...a, username: `${a.username}é` })],
        ['an empty username', (a) => ({ ...a, username: '' })],
        ['a numeric username', (a) => ({ ...a, username: 12345 })],
        ['a null username', (a) => ({ ...a, username: null })],
        ['a username given as an array', (a) => ({ ...a, username: [a.username] })],
        ['no username', ({ username: _u, ...rest }) => rest],
        ['an email without @', (a) => ({ ...a, email: a.email.replace('@', '.') })],
        ['an email without a domain', (a) => ({ ...a, email: `${a.username}@` })],
        ['an email without a local part', (a) => ({ ...a, email: `@${a.username}.example.test` })],
        ['an email with a space inside', (a) => ({ ...a, email: a.email.replace('@', ' @') })],
        ['a numeric email', (a) => ({ ...a, email: 42 })],
        ['an email with an unpaired surrogate (the validator it uses threw on it: a 500)', (a) => ({ ...a, email: `${a.username}\ud800@example.test` })],
        ['an email that is only an unpaired surrogate', (a) => ({ ...a, email: '\ud800' })],
        ['no email', ({ email: _e, ...rest }) => rest],
        ['a password of 7 characters', (a) => ({ ...a, password: a.password.slice(0, 7) })],
        ['a password of 129 characters', (a) => ({ ...a, password: a.password.padEnd(129, 'p') })],
        ['a numeric password', (a) => ({ ...a, password: 12345678 })],
        ['no password', ({ password: _p, ...rest }) => rest],
        ['a full_name of 101 characters', (a) => ({ ...a, full_name: 'F'.repeat(101) })],
        ['a numeric full_name', (a) => ({ ...a, full_name: 7 })],
        ['a full_name given as an object', (a) => ({ ...a, full_name: { first: 'Ada' } })],
        ['an unknown extra field', (a) => ({ ...a, is_admin: true })],
        ['a client-chosen id', (a) => ({ ...a, id: '3f0c2a0e-6d1b-4c53-9a59-2b7b0f8f6a11' })],
        ['an avatar_url (not part of registration)', (a) => ({ ...a, avatar_url: 'https://example.com/a.png' })],
        ['an empty object', () => ({})],
      ];

      it.each(cases)('%s', async (_label, build) => {
        const account = newAccount();
        const body = build(account);
        const res = await register(t, body);
        expectError(res, 400);
        expect(await rowsFor(t, account.username, account.email)).toBe(0);
      });
    });
  });

  describe('POST /auth/login', () => {
    let account: Account;
    let userId: string;
    beforeAll(async () => {
      account = newAccount('Login');
      const res = await register(t, account);
      userId = res.body.id;
    });

    async function expectTokenFor(res: Response, id: string): Promise<void> {
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(TOKEN_KEYS);
      expect(res.body.token_type).toBe('bearer');
      expect(typeof res.body.access_token).toBe('string');
      const me = await t.http().get('/users/me').set('Authorization', `Bearer ${res.body.access_token}`);
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(id);
    }

    it('exchanges a JSON username and password for a bearer token of that user', async () => {
      const res = await login(t, account.username, account.password);
      await expectTokenFor(res, userId);
    });

    it('reports expires_in as the configured token lifetime, matching the token’s own expiry', async () => {
      const res = await login(t, account.username, account.password);
      expect(res.body.expires_in).toBe(TOKEN_TTL_SECONDS);
      const claims = claimsOf(res.body.access_token);
      expect((claims.exp as number) - (claims.iat as number)).toBe(res.body.expires_in);
    });

    it('accepts the OAuth2 password flow’s form-encoded body', async () => {
      const form = new URLSearchParams({
        grant_type: 'password',
        username: account.username,
        password: account.password,
        scope: '',
        client_id: '',
        client_secret: '',
      });
      const res = await t.http().post('/auth/login').type('form').send(form.toString());
      await expectTokenFor(res, userId);
    });

    it('accepts a form-encoded body with only username and password', async () => {
      const form = new URLSearchParams({ username: account.username, password: account.password });
      const res = await t.http().post('/auth/login').type('form').send(form.toString());
      await expectTokenFor(res, userId);
    });

    it('accepts the email in place of the username, in any case', async () => {
      await expectTokenFor(await login(t, account.email, account.password), userId);
      await expectTokenFor(await login(t, account.email.toUpperCase(), account.password), userId);
    });

    it('accepts the username in another case', async () => {
      await expectTokenFor(await login(t, account.username.toLowerCase(), account.password), userId);
    });

    it('returns 401 with the same body whether the user exists or not', async () => {
      const wrongPassword = await login(t, account.username, `${account.password}x`);
      const wrongPasswordByEmail = await login(t, account.email, `${account.password}x`);
      const unknownUser = await login(t, uniqueName('ghost'), account.password);
      const unknownEmail = await login(t, `${uniqueName('ghost')}@example.test`, account.password);
      for (const res of [wrongPassword, wrongPasswordByEmail, unknownUser, unknownEmail]) expectError(res, 401);
      expect(unknownUser.body).toEqual(wrongPassword.body);
      expect(unknownEmail.body).toEqual(wrongPassword.body);
      expect(wrongPasswordByEmail.body).toEqual(wrongPassword.body);
      expect(wrongPassword.body.message).not.toMatch(/password is wrong|no such user|not found|unknown/i);
    });

    it('refuses the password of another account', async () => {
      const other = newAccount();
      expect((await register(t, other)).status).toBe(201);
      expectError(await login(t, account.username, other.password), 401);
    });

    it('refuses a password that differs only in case', async () => {
      const res = await login(t, account.username, account.password.toUpperCase());
      expectError(res, 401);
    });

    describe('400 for a malformed body', () => {
      const cases: Array<[string, (a: Account) => unknown]> = [
        ['no password', (a) => ({ username: a.username })],
        ['no username', (a) => ({ password: a.password })],
        ['an empty object', () => ({})],
        ['a numeric password', (a) => ({ username: a.username, password: 12345678 })],
        ['a numeric username', (a) => ({ username: 42, password: a.password })],
        ['a username given as an object', (a) => ({ username: { $ne: null }, password: a.password })],
        ['a password given as an array', (a) => ({ username: a.username, password: [a.password] })],
        ['an empty password', (a) => ({ username: a.username, password: '' })],
        ['an unknown extra field', (a) => ({ username: a.username, password: a.password, remember_me: true })],
      ];

      it.each(cases)('%s', async (_label, build) => {
        const res = await t.http().post('/auth/login').send(build(account) as object);
        expectError(res, 400);
      });

      it('a form-encoded body without a password', async () => {
        const res = await t.http().post('/auth/login').type('form').send(`grant_type=password&username=${account.username}`);
        expectError(res, 400);
      });
    });
  });

  describe('GET /users/me', () => {
    let user: TestUser;
    let other: TestUser;
    beforeAll(async () => {
      user = await registerUser(t, 'me');
      other = await registerUser(t, 'other');
    });

    const get = (authorization?: string) => {
      const req = t.http().get('/users/me');
      if (authorization !== undefined) req.set('Authorization', authorization);
      return req;
    };

    it('returns 200 with exactly the caller’s User object', async () => {
      const res = await get(user.auth);
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(USER_KEYS);
      expect(res.body).toMatchObject({ id: user.id, username: user.username, email: user.email });
      expect(res.body.created_at).toMatch(ISO_MS_UTC);
    });

    it('accepts a token signed with the server’s key and a future expiry (so the 401s below are about the token)', async () => {
      const claims = claimsOf(user.token);
      const token = signJwt({ ...claims, iat: nowSeconds(), exp: nowSeconds() + 600 }, SECRET_KEY);
      const res = await get(`Bearer ${token}`);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(user.id);
    });

    const refusals: Array<[string, () => string | undefined]> = [
      ['no Authorization header', () => undefined],
      ['an empty Authorization header', () => ''],
      ['the Bearer scheme without a token', () => 'Bearer '],
      ['a token without the Bearer scheme', () => user.token],
      ['the Basic scheme', () => `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`],
      ['a token that is not a JWT', () => 'Bearer not-a-jwt'],
      ['a token of three garbage segments', () => 'Bearer aaaa.bbbb.cccc'],
      ['a token with a corrupted signature', () => `Bearer ${user.token.slice(0, -4)}${user.token.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`],
      [
        'an expired token',
        () => `Bearer ${signJwt({ ...claimsOf(user.token), iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }, SECRET_KEY)}`,
      ],
      ['a token signed with another secret', () => `Bearer ${signJwt(claimsOf(user.token), randomBytes(32).toString('base64url'))}`],
      [
        'an unsigned token (alg: none)',
        () => `Bearer ${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claimsOf(user.token))}.`,
      ],
      [
        'a token signed with the server’s key under another algorithm (HS512)',
        () => `Bearer ${signJwt(claimsOf(user.token), SECRET_KEY, { alg: 'HS512', typ: 'JWT' })}`,
      ],
      [
        'a token whose subject was changed after signing',
        () => {
          const [header, , signature] = user.token.split('.');
          return `Bearer ${header}.${b64url({ ...claimsOf(user.token), sub: other.id })}.${signature}`;
        },
      ],
      [
        'a validly signed token without a subject',
        () => {
          const { sub: _sub, ...claims } = claimsOf(user.token);
          return `Bearer ${signJwt(claims, SECRET_KEY)}`;
        },
      ],
      [
        'a validly signed token whose subject is not a UUID',
        () => `Bearer ${signJwt({ ...claimsOf(user.token), sub: "x' OR '1'='1" }, SECRET_KEY)}`,
      ],
      [
        'a validly signed token for a user id that never existed',
        () => `Bearer ${signJwt({ ...claimsOf(user.token), sub: '00000000-0000-4000-8000-000000000000' }, SECRET_KEY)}`,
      ],
    ];

    it.each(refusals)('returns 401 with the JSON error shape for %s', async (_label, header) => {
      const res = await get(header());
      expectError(res, 401);
      expect(res.body.id).toBeUndefined();
    });

    it('returns 401 for the token of a user who no longer exists (their sessions went with them)', async () => {
      const doomed = await registerUser(t, 'doomed');
      await t.db.query('DELETE FROM users WHERE id = $1', [doomed.id]);
      await expect(t.db.query('SELECT 1 FROM sessions WHERE user_id = $1', [doomed.id])).resolves.toMatchObject({ rowCount: 0 });
      expectError(await get(doomed.auth), 401);
    });
  });

  describe('PATCH /users/me', () => {
    let user: TestUser;
    beforeEach(async () => {
      user = await registerUser(t, 'patch', 'Original Name');
    });

    const patch = (body: unknown, auth = user.auth) =>
      t.http().patch('/users/me').set('Authorization', auth).send(body as object);
    const me = async () => (await t.http().get('/users/me').set('Authorization', user.auth)).body;

    it('changes full_name alone and leaves everything else as it was', async () => {
      const before = await me();
      const res = await patch({ full_name: 'Renamed Person' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...before, full_name: 'Renamed Person' });
      expect(await me()).toEqual(res.body);
    });

    it('changes avatar_url alone to an https URL and leaves everything else as it was', async () => {
      const before = await me();
      const res = await patch({ avatar_url: 'https://cdn.example.com/avatars/1.png' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ ...before, avatar_url: 'https://cdn.example.com/avatars/1.png' });
      expect(await me()).toEqual(res.body);
    });

    it('changes both at once and returns the User object', async () => {
      const before = await me();
      const res = await patch({ full_name: 'Both Changed', avatar_url: 'https://example.com/a.png?size=64#x' });
      expect(res.status).toBe(200);
      expect(Object.keys(res.body).sort()).toEqual(USER_KEYS);
      expect(res.body).toEqual({ ...before, full_name: 'Both Changed', avatar_url: 'https://example.com/a.png?size=64#x' });
      expect(await me()).toEqual(res.body);
    });

    it('clears full_name and avatar_url with null', async () => {
      const set = await patch({ full_name: 'Soon Gone', avatar_url: 'https://example.com/gone.png' });
      expect(set.status).toBe(200);
      expect(set.body.avatar_url).toBe('https://example.com/gone.png');
      const res = await patch({ full_name: null, avatar_url: null });
      expect(res.status).toBe(200);
      expect(res.body.full_name).toBeNull();
      expect(res.body.avatar_url).toBeNull();
      expect(await me()).toEqual(res.body);
    });

    it('accepts an avatar_url of exactly 2048 characters', async () => {
      const url = `https://example.com/${'a'.repeat(2048 - 'https://example.com/'.length)}`;
      expect(url).toHaveLength(2048);
      const res = await patch({ full_name: 'Long Avatar', avatar_url: url });
      expect(res.status).toBe(200);
      expect(res.body.avatar_url).toBe(url);
    });

    describe('400, changing nothing, for', () => {
      const cases: Array<[string, Record<string, unknown>]> = [
        ['a username', { username: uniqueName('newname') }],
        ['an email', { email: `${uniqueName('new')}@example.test` }],
        ['a password', { password: 'a-new-password' }],
        ['an unknown field', { is_admin: true }],
        ['a created_at', { created_at: '2020-01-01T00:00:00.000Z' }],
        ['a javascript: avatar URL', { avatar_url: 'javascript:alert(document.cookie)' }],
        ['a javascript: avatar URL that mentions http', { avatar_url: 'javascript:alert(1)//http://example.com' }],
        ['an ftp: avatar URL (security.test.ts has the rest of the policy)', { avatar_url: 'ftp://example.com/a.png' }],
        ['an ftp: avatar URL', { avatar_url: 'ftp://example.com/a.png' }],
        ['a data: avatar URL', { avatar_url: 'data:image/png;base64,iVBORw0KGgo=' }],
        ['a file: avatar URL', { avatar_url: 'file:///etc/passwd' }],
        ['an avatar URL without a scheme', { avatar_url: 'example.com/a.png' }],
        ['a protocol-relative avatar URL', { avatar_url: '//example.com/a.png' }],
        ['an avatar_url that is not a URL', { avatar_url: 'not a url' }],
        ['an avatar_url of 2049 characters', { avatar_url: `https://example.com/${'a'.repeat(2049 - 20)}` }],
        ['a numeric avatar_url', { avatar_url: 42 }],
      ];

      it.each(cases)('%s', async (_label, extra) => {
        const before = await me();
        // Valid values of both editable fields ride along: the request must be refused as a whole.
        const res = await patch({ full_name: 'Should Not Stick', avatar_url: 'https://example.com/should-not-stick.png', ...extra });
        expectError(res, 400);
        expect(await me()).toEqual(before);
      });

      it('a full_name of 101 characters', async () => {
        const before = await me();
        expectError(await patch({ full_name: 'F'.repeat(101), avatar_url: 'https://example.com/x.png' }), 400);
        expect(await me()).toEqual(before);
      });

      it('a numeric full_name', async () => {
        const before = await me();
        expectError(await patch({ full_name: 5, avatar_url: 'https://example.com/x.png' }), 400);
        expect(await me()).toEqual(before);
      });
    });

    it('returns 401 without a token', async () => {
      expectError(await t.http().patch('/users/me').send({ full_name: 'Nobody' }), 401);
    });
  });

  describe('GET /users/', () => {
    /** A marker shared by this block's users only, so searches ignore everyone else's. */
    const tag = randomBytes(4).toString('hex');
    let caller: TestUser;
    let charlie: TestUser;
    let alpha: TestUser;
    let bravo: TestUser;

    const list = (query: Record<string, string | number> = {}, path = '/users/', auth = caller.auth) =>
      t.http().get(path).query(query).set('Authorization', auth);

    beforeAll(async () => {
      caller = await registerUser(t, `dir${tag}caller`, `Caller ${tag}`);
      // Registered out of order on purpose.
      charlie = await registerUser(t, `dir${tag}charlie`, `Third ${tag}`);
      alpha = await registerUser(t, `dir${tag}alpha`, `First ${tag}`);
      bravo = await registerUser(t, `dir${tag}bravo`, `Second ${tag}`);
    });

    it('answers /users and /users/ alike', async () => {
      const withSlash = await list({ q: tag }, '/users/');
      const withoutSlash = await list({ q: tag }, '/users');
      expect(withSlash.status).toBe(200);
      expect(withoutSlash.status).toBe(200);
      expect(withSlash.body.length).toBeGreaterThan(0);
      expect(withoutSlash.body).toEqual(withSlash.body);
    });

    it('returns PublicUser objects with exactly the public keys (no email)', async () => {
      const res = await list({ q: tag });
      expect(res.status).toBe(200);
      expect(res.body.length).toBeGreaterThan(0);
      for (const u of res.body) {
        expect(Object.keys(u).sort()).toEqual(PUBLIC_USER_KEYS);
        expect(u.id).toMatch(UUID);
        expect(typeof u.is_online).toBe('boolean');
        if (u.last_seen_at !== null) expect(u.last_seen_at).toMatch(ISO_MS_UTC);
      }
      expect(res.text).not.toContain('@example.test');
    });

    it('excludes the caller, orders by username, and matches the username', async () => {
      const res = await list({ q: `dir${tag}` });
      expect(res.status).toBe(200);
      expect(res.body.map((u: { id: string }) => u.id)).toEqual([alpha.id, bravo.id, charlie.id]);
    });

    it('matches the username ignoring case', async () => {
      const res = await list({ q: `DIR${tag.toUpperCase()}BRAVO` });
      expect(res.status).toBe(200);
      expect(res.body.map((u: { id: string }) => u.id)).toEqual([bravo.id]);
    });

    it('matches a substring of full_name ignoring case', async () => {
      const res = await list({ q: `sEcOnD ${tag}` });
      expect(res.status).toBe(200);
      expect(res.body.map((u: { id: string }) => u.id)).toEqual([bravo.id]);
    });

    it('returns an empty list when nothing matches', async () => {
      const res = await list({ q: `nothing-${randomBytes(6).toString('hex')}` });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([]);
    });

    describe('matches % and _ literally', () => {
      const mark = randomBytes(4).toString('hex');
      let underscore: TestUser;
      let percent: TestUser;
      let decoy: TestUser;

      beforeAll(async () => {
        // `${mark}_` occurs only in the first username; as a wildcard `_` would also match `${mark}x`.
        underscore = await registerUser(t, `lit${mark}_one`);
        // `${mark}%d` occurs only in the first full name; as a wildcard `%` would also match the decoy.
        percent = await registerUser(t, `lit${mark}pct`, `${mark}%done`);
        decoy = await registerUser(t, `lit${mark}xtwo`, `${mark} half done`);
      });

      it('an underscore in q matches only an underscore', async () => {
        const res = await list({ q: `${mark}_` });
        expect(res.status).toBe(200);
        expect(res.body.map((u: { id: string }) => u.id)).toEqual([underscore.id]);
      });

      it('a percent sign in q matches only a percent sign', async () => {
        const res = await list({ q: `${mark}%d` });
        expect(res.status).toBe(200);
        expect(res.body.map((u: { id: string }) => u.id)).toEqual([percent.id]);
      });

      it('a lone % returns only users whose username or full_name contains %', async () => {
        const res = await list({ q: '%', limit: 500 });
        expect(res.status).toBe(200);
        expect(res.body.map((u: { id: string }) => u.id)).toContain(percent.id);
        expect(res.body.map((u: { id: string }) => u.id)).not.toContain(decoy.id);
        for (const u of res.body) expect(`${u.username}${u.full_name ?? ''}`).toContain('%');
      });

      it('a backslash in q matches only a backslash', async () => {
        const slashed = await registerUser(t, `lit${mark}bs`, `${mark}\\pct`);
        const res = await list({ q: `${mark}\\` });
        expect(res.status).toBe(200);
        expect(res.body.map((u: { id: string }) => u.id)).toEqual([slashed.id]);
      });
    });

    describe('?limit', () => {
      /** 101 matching users, inserted directly: enough to see the default of 100 at work. */
      const bulk = randomBytes(4).toString('hex');
      let bulkNames: string[];

      beforeAll(async () => {
        const { rows } = await t.db.query<{ username: string }>(
          `INSERT INTO users (username, email, password_hash, full_name)
           SELECT 'bulk' || $1 || '_' || lpad(i::text, 3, '0'), 'bulk' || $1 || '_' || i || '@example.test', 'unused', 'Bulk ' || $1
           FROM generate_series(1, 101) AS i
           RETURNING username`,
          [bulk],
        );
        bulkNames = rows.map((r) => r.username).sort();
      });

      it('defaults to 100 users', async () => {
        const res = await list({ q: `bulk${bulk}` });
        expect(res.status).toBe(200);
        expect(res.body.map((u: { username: string }) => u.username)).toEqual(bulkNames.slice(0, 100));
      });

      it('returns the first `limit` users in username order', async () => {
        const res = await list({ q: `bulk${bulk}`, limit: 2 });
        expect(res.status).toBe(200);
        expect(res.body.map((u: { username: string }) => u.username)).toEqual(bulkNames.slice(0, 2));
      });

      it('accepts 1 and 500', async () => {
        const one = await list({ q: `bulk${bulk}`, limit: 1 });
        expect(one.status).toBe(200);
        expect(one.body.map((u: { username: string }) => u.username)).toEqual(bulkNames.slice(0, 1));
        const max = await list({ q: `bulk${bulk}`, limit: 500 });
        expect(max.status).toBe(200);
        expect(max.body.map((u: { username: string }) => u.username)).toEqual(bulkNames);
      });

      it.each(['0', '501', 'abc', '-1', '1.5', '', '0x10', '1e2'])('returns 400 for limit=%j', async (limit) => {
        expectError(await t.http().get(`/users/?limit=${encodeURIComponent(limit)}`).set('Authorization', caller.auth), 400);
      });
    });

    it('returns 401 without a token, on both paths', async () => {
      expectError(await t.http().get('/users/'), 401);
      expectError(await t.http().get('/users'), 401);
    });
  });
});

describe('login throttling per account', () => {
  const WINDOW_SECONDS = 60;
  const MAX_FAILURES = 3;
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      env: {
        LOGIN_MAX_FAILURES_PER_ACCOUNT: String(MAX_FAILURES),
        LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '100000',
        LOGIN_THROTTLE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      },
    });
  });
  afterAll(() => t.close());

  async function registered(): Promise<Account> {
    const account = newAccount('thr');
    expect((await register(t, account)).status).toBe(201);
    return account;
  }

  function expectThrottled(res: Response): void {
    expectError(res, 429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
  }

  it('answers 429 with Retry-After once the account has had too many failures, even to the right password', async () => {
    const account = await registered();
    for (let i = 0; i < MAX_FAILURES; i++) expectError(await login(t, account.username, `wrong-${i}`), 401);
    expectThrottled(await login(t, account.username, account.password));
    expectThrottled(await login(t, account.username, 'wrong-again'));
  });

  it('leaves other accounts alone while one is throttled', async () => {
    const victim = await registered();
    const bystander = await registered();
    for (let i = 0; i < MAX_FAILURES; i++) await login(t, victim.username, `wrong-${i}`);
    expectThrottled(await login(t, victim.username, victim.password));
    expect((await login(t, bystander.username, bystander.password)).status).toBe(200);
  });

  it('counts failures against the account whatever the case of the username', async () => {
    const account = await registered();
    const spellings = [account.username, account.username.toUpperCase(), account.username.toLowerCase()];
    for (let i = 0; i < MAX_FAILURES; i++) expectError(await login(t, spellings[i % spellings.length], `wrong-${i}`), 401);
    expectThrottled(await login(t, account.username, account.password));
  });

  it('counts failures by username and by email against the same account', async () => {
    const account = await registered();
    for (let i = 0; i < MAX_FAILURES; i++) {
      expectError(await login(t, i % 2 === 0 ? account.username : account.email, `wrong-${i}`), 401);
    }
    expectThrottled(await login(t, account.username, account.password));
    expectThrottled(await login(t, account.email, account.password));
  });

  it('throttles an unknown username exactly like a known one (no account enumeration)', async () => {
    const known = await registered();
    const unknown = uniqueName('nobody');
    const knownStatuses: number[] = [];
    const unknownStatuses: number[] = [];
    for (let i = 0; i <= MAX_FAILURES; i++) {
      knownStatuses.push((await login(t, known.username, `wrong-${i}`)).status);
      unknownStatuses.push((await login(t, unknown, `wrong-${i}`)).status);
    }
    expect(knownStatuses).toEqual([...Array(MAX_FAILURES).fill(401), 429]);
    expect(unknownStatuses).toEqual(knownStatuses);
  });

  it('still lets the right password in after failures within the limit, and a success clears them', async () => {
    const account = await registered();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < MAX_FAILURES - 1; i++) expectError(await login(t, account.username, `wrong-${round}-${i}`), 401);
      const ok = await login(t, account.username, account.password);
      expect(ok.status).toBe(200);
      expect(ok.body.token_type).toBe('bearer');
    }
  });
});

describe('login throttling per address', () => {
  const MAX_ATTEMPTS = 5;
  let t: TestApp;

  beforeAll(async () => {
    // Behind a proxy on loopback, the client address comes from X-Forwarded-For.
    t = await startApp({
      env: {
        LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
        LOGIN_MAX_ATTEMPTS_PER_ADDRESS: String(MAX_ATTEMPTS),
        LOGIN_THROTTLE_WINDOW_SECONDS: '60',
        TRUST_PROXY: 'loopback',
      },
    });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After to an address that tried too many accounts, and not to another address', async () => {
    const target = newAccount('addr');
    expect((await register(t, target)).status).toBe(201);
    const guesser = '203.0.113.7';
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expectError(await login(t, uniqueName('spray'), `guess-${i}`, guesser), 401);
    }
    const blocked = await login(t, target.username, target.password, guesser);
    expectError(blocked, 429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(60);

    const fromElsewhere = await login(t, target.username, target.password, '203.0.113.8');
    expect(fromElsewhere.status).toBe(200);
  });
});
