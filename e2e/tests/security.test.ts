import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Response } from 'supertest';
import { startApp, TestApp } from '../support/app';
import { expectError, expectNoLeak } from '../support/errors';
import { rawRequest } from '../support/raw-http';
import { registerUser, startConversation, TestUser, uniqueName } from '../support/users';
import { PARTICIPANT_KEYS, PUBLIC_USER_KEYS } from '../support/contract';
import { SECURITY_HEADERS } from '../../frontend/security-headers';

/**
 * What API.md promises about safety: secrets at rest, exact text in and out, input that
 * looks like code staying data, bad input never reaching a 500, errors that leak nothing,
 * browser-facing headers, and the published OpenAPI document.
 */

const ONE_KB = 1024;

function newAccount(prefix = 's') {
  const username = uniqueName(prefix);
  return { username, email: `${username}@example.test`, password: `pw-${randomBytes(6).toString('hex')}` };
}

describe('security', () => {
  const ENCRYPTION_KEY = randomBytes(32).toString('base64');
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let conversationId: string;

  beforeAll(async () => {
    t = await startApp({ env: { ENCRYPTION_KEY } });
    alice = await registerUser(t, 'sec');
    bob = await registerUser(t, 'sec');
    conversationId = await startConversation(t, alice, [bob]);
  });
  afterAll(() => t.close());

  const sendMessage = (content: unknown, from: TestUser = alice, id = conversationId) =>
    t
      .http()
      .post(`/conversations/${id}/messages`)
      .set('Authorization', from.auth)
      .send({ content });

  async function history(id = conversationId, reader: TestUser = bob): Promise<Array<{ id: string; content: string }>> {
    const res = await t.http().get(`/conversations/${id}/messages`).query({ limit: 200 }).set('Authorization', reader.auth);
    expect(res.status).toBe(200);
    return res.body;
  }

  describe('passwords at rest', () => {
    async function storedHash(userId: string): Promise<string> {
      const { rows } = await t.db.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [userId]);
      expect(rows).toHaveLength(1);
      return rows[0].password_hash;
    }

    it('stores only an argon2id hash with at least 19 MiB of memory and 2 passes', async () => {
      const hash = await storedHash(alice.id);
      // PHC string format: $argon2id$v=19$<k=v,k=v,k=v>$<salt>$<hash>, parameters in any order.
      const phc = /^\$argon2id\$v=\d+\$([a-z]=\d+(?:,[a-z]=\d+)*)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(hash);
      expect(phc).not.toBeNull();
      const params = Object.fromEntries(phc![1].split(',').map((kv) => [kv.split('=')[0], Number(kv.split('=')[1])]));
      expect(params.m).toBeGreaterThanOrEqual(19456);
      expect(params.t).toBeGreaterThanOrEqual(2);
      expect(params.p).toBeGreaterThanOrEqual(1);
      expect(hash).not.toContain(alice.password);
      expect(hash).not.toContain(Buffer.from(alice.password).toString('base64').replace(/=+$/, ''));
    });

    it('salts every hash: the same password gives two different hashes', async () => {
      const password = `shared-${randomBytes(6).toString('hex')}`;
      const first = await t.http().post('/auth/register').send({ ...newAccount(), password });
      const second = await t.http().post('/auth/register').send({ ...newAccount(), password });
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      const [a, b] = [await storedHash(first.body.id), await storedHash(second.body.id)];
      expect(a).toMatch(/^\$argon2id\$/);
      expect(b).toMatch(/^\$argon2id\$/);
      expect(a).not.toBe(b);
    });

    it('keeps the password and its hash out of every users table column the API can read', async () => {
      const { rows } = await t.db.query<{ whole: string }>('SELECT u::text AS whole FROM users u WHERE id = $1', [bob.id]);
      expect(rows[0].whole).not.toContain(bob.password);
      const me = await t.http().get('/users/me').set('Authorization', bob.auth);
      expect(me.status).toBe(200);
      expect(me.text).not.toMatch(/argon2|password/i);
    });
  });

  describe('message content at rest', () => {
    it('stores no plaintext, stores a key id, and still returns the exact text', async () => {
      const marker = `marker${randomBytes(8).toString('hex')}`;
      const plaintext = `The vault code is ${marker} — don't tell 🙊`;
      const sent = await sendMessage(plaintext);
      expect(sent.status).toBe(201);
      expect(sent.body.content).toBe(plaintext);

      const { rows } = await t.db.query<{ content_ciphertext: Buffer; content_key_id: string; whole: string }>(
        'SELECT content_ciphertext, content_key_id, m::text AS whole FROM messages m WHERE id = $1',
        [sent.body.id],
      );
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(Buffer.isBuffer(row.content_ciphertext)).toBe(true);
      expect(row.content_ciphertext.includes(Buffer.from(marker, 'utf8'))).toBe(false);
      expect(row.content_ciphertext.includes(Buffer.from(plaintext, 'utf8'))).toBe(false);
      // Not in any column, in any of the obvious encodings.
      expect(row.whole).not.toContain(marker);
      expect(row.whole).not.toContain(Buffer.from(marker, 'utf8').toString('hex'));
      expect(row.whole).not.toContain(Buffer.from(marker, 'utf8').toString('base64').slice(0, 16));
      // Authenticated encryption adds a tag (and a nonce) to the text.
      expect(row.content_ciphertext.length).toBeGreaterThan(Buffer.byteLength(plaintext, 'utf8'));
      expect(typeof row.content_key_id).toBe('string');
      expect(row.content_key_id.length).toBeGreaterThan(0);
      // The key id names the key; it is not the key.
      const key = Buffer.from(ENCRYPTION_KEY, 'base64');
      expect(row.whole).not.toContain(key.toString('hex'));
      expect(row.whole).not.toContain(ENCRYPTION_KEY.replace(/=+$/, ''));

      const stored = (await history()).find((m) => m.id === sent.body.id);
      expect(stored?.content).toBe(plaintext);
    });

    it('encrypts the same text twice to different ciphertexts under the same key id', async () => {
      const text = `same text ${randomBytes(4).toString('hex')}`;
      const first = await sendMessage(text);
      const second = await sendMessage(text);
      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      const { rows } = await t.db.query<{ id: string; content_ciphertext: Buffer; content_key_id: string }>(
        'SELECT id, content_ciphertext, content_key_id FROM messages WHERE id = ANY($1)',
        [[first.body.id, second.body.id]],
      );
      expect(rows).toHaveLength(2);
      expect(rows[0].content_ciphertext.equals(rows[1].content_ciphertext)).toBe(false);
      expect(rows[0].content_key_id).toBe(rows[1].content_key_id);
    });

    it('never hands out content from a ciphertext altered in the database', async () => {
      // A group of its own, so the damage stays out of the other tests' conversation.
      const carol = await registerUser(t, 'sec');
      const id = await startConversation(t, alice, [bob, carol], `tamper ${randomBytes(3).toString('hex')}`);
      expect(id).not.toBe(conversationId);
      const original = `untouched ${randomBytes(6).toString('hex')}`;
      const sent = await sendMessage(original, alice, id);
      expect(sent.status).toBe(201);
      // Flip one bit in the last byte of the stored ciphertext.
      await t.db.query(
        `UPDATE messages SET content_ciphertext = set_byte(content_ciphertext, length(content_ciphertext) - 1,
           get_byte(content_ciphertext, length(content_ciphertext) - 1) # 1) WHERE id = $1`,
        [sent.body.id],
      );
      const res = await t.http().get(`/conversations/${id}/messages`).set('Authorization', bob.auth);
      // An unauthenticated cipher would hand out the text with its last character changed.
      expect(res.text).not.toContain(original.slice(0, -1));
      expectNoLeak(res.text);
    });
  });

  describe('text round-trips exactly', () => {
    const samples: Array<[string, string]> = [
      ['emoji with skin tone and ZWJ sequences', 'Hi 👋🏽 from 👩‍👩‍👧‍👦 and 🏳️‍🌈 ✨'],
      ['regional-indicator flags', 'Flags 🇺🇦🇯🇵🇧🇷'],
      ['Arabic, right to left', 'مرحبا بالعالم'],
      ['Hebrew with a right-to-left mark', 'שלום\u200F עולם'],
      ['mixed directions with isolates and an override', 'abc \u2067عربى\u2069 def \u202Eevil\u202C end'],
      ['decomposed combining accents (must not be normalized)', 'Cafe\u0301 Zoe\u0308 Man\u0303ana'],
      ['stacked combining marks', 'Z\u0351\u0362a\u0353\u0332l\u0347g\u0336o\u0489'],
      ['zero-width joiner, non-joiner and space inside words', 'a\u200Db\u200Cc\u200Bd'],
      ['Devanagari conjunct with a joiner', 'क्\u200Dष नमस्ते'],
      ['characters outside the Basic Multilingual Plane', '𠜎𠜱𠝹 𝔘𝔫𝔦𝔠𝔬𝔡𝔢'],
    ];

    it.each(samples)('%s, as a full_name (register, /users/me, search, raw row)', async (_label, text) => {
      const account = newAccount('uni');
      const reg = await t.http().post('/auth/register').send({ ...account, full_name: text });
      expect(reg.status).toBe(201);
      expect(reg.body.full_name).toBe(text);

      const login = await t.http().post('/auth/login').send({ username: account.username, password: account.password });
      const me = await t.http().get('/users/me').set('Authorization', `Bearer ${login.body.access_token}`);
      expect(me.body.full_name).toBe(text);

      const found = await t.http().get('/users/').query({ q: text }).set('Authorization', alice.auth);
      expect(found.status).toBe(200);
      expect(found.body.find((u: { id: string }) => u.id === reg.body.id)?.full_name).toBe(text);

      const { rows } = await t.db.query<{ full_name: string }>('SELECT full_name FROM users WHERE id = $1', [reg.body.id]);
      expect(Buffer.from(rows[0].full_name, 'utf8').equals(Buffer.from(text, 'utf8'))).toBe(true);
    });

    it.each(samples)('%s, as message content (send and history)', async (_label, text) => {
      const sent = await sendMessage(text);
      expect(sent.status).toBe(201);
      expect(sent.body.content).toBe(text);
      const stored = (await history()).find((m) => m.id === sent.body.id);
      expect(stored?.content).toBe(text);
    });

    it('counts an emoji as one character: a full_name of 100 emoji is accepted', async () => {
      const text = '😀'.repeat(100);
      const res = await t.http().post('/auth/register').send({ ...newAccount('uni'), full_name: text });
      expect(res.status).toBe(201);
      expect(res.body.full_name).toBe(text);
    });
  });

  describe('SQL-looking input is data', () => {
    const injections = ["'; DROP TABLE users; --", "' OR '1'='1", '"; DROP TABLE messages; --', "admin'--", "1) OR 1=1 UNION SELECT password_hash FROM users --"];

    async function tablesExist(): Promise<Record<string, boolean>> {
      const { rows } = await t.db.query<{ name: string; present: boolean }>(
        `SELECT name, to_regclass('public.' || name) IS NOT NULL AS present
         FROM unnest(ARRAY['users', 'conversations', 'participants', 'messages']) AS name`,
      );
      return Object.fromEntries(rows.map((r) => [r.name, r.present]));
    }

    it.each(injections)('stores and returns the full_name %j literally, and search finds it literally', async (text) => {
      const reg = await t.http().post('/auth/register').send({ ...newAccount('sql'), full_name: text });
      expect(reg.status).toBe(201);
      expect(reg.body.full_name).toBe(text);

      const res = await t.http().get('/users/').query({ q: text, limit: 500 }).set('Authorization', alice.auth);
      expect(res.status).toBe(200);
      expect(res.body.map((u: { id: string }) => u.id)).toContain(reg.body.id);
      for (const u of res.body) {
        expect(`${u.username}\n${u.full_name ?? ''}`.toLowerCase()).toContain(text.toLowerCase());
      }
    });

    it.each(injections)('sets the full_name %j literally through PATCH /users/me', async (text) => {
      const user = await registerUser(t, 'sqlp');
      const res = await t
        .http()
        .patch('/users/me')
        .set('Authorization', user.auth)
        .send({ full_name: text, avatar_url: 'https://example.com/a.png' });
      expect(res.status).toBe(200);
      expect(res.body.full_name).toBe(text);
    });

    it.each(injections)('sends and reads back the message %j literally', async (text) => {
      const sent = await sendMessage(text);
      expect(sent.status).toBe(201);
      expect(sent.body.content).toBe(text);
      expect((await history()).find((m) => m.id === sent.body.id)?.content).toBe(text);
    });

    it.each(injections)('refuses the login %j with 401', async (text) => {
      expectError(await t.http().post('/auth/login').send({ username: text, password: text }), 401);
    });

    it('leaves every table and every account in place afterwards', async () => {
      expect(await tablesExist()).toEqual({ users: true, conversations: true, participants: true, messages: true });
      for (const user of [alice, bob]) {
        const me = await t.http().get('/users/me').set('Authorization', user.auth);
        expect(me.status).toBe(200);
      }
    });
  });

  describe('NUL characters are refused with 400, never a 500', () => {
    it('in full_name at registration, storing nothing', async () => {
      const account = newAccount('nul');
      expectError(await t.http().post('/auth/register').send({ ...account, full_name: 'Null\u0000Byte' }), 400);
      const { rows } = await t.db.query('SELECT 1 FROM users WHERE username = $1', [account.username]);
      expect(rows).toHaveLength(0);
    });

    it('in full_name through PATCH /users/me, changing nothing', async () => {
      const before = await t.http().get('/users/me').set('Authorization', bob.auth);
      const res = await t
        .http()
        .patch('/users/me')
        .set('Authorization', bob.auth)
        .send({ full_name: 'Null\u0000Byte', avatar_url: 'https://example.com/nul.png' });
      expectError(res, 400);
      expect((await t.http().get('/users/me').set('Authorization', bob.auth)).body).toEqual(before.body);
    });

    it('in username and email at registration', async () => {
      const account = newAccount('nul');
      expectError(await t.http().post('/auth/register').send({ ...account, username: `${account.username}\u0000x` }), 400);
      expectError(await t.http().post('/auth/register').send({ ...account, email: `nul\u0000${account.email}` }), 400);
    });

    it('in the search term', async () => {
      expectError(await t.http().get('/users/').query({ q: 'a\u0000b' }).set('Authorization', alice.auth), 400);
    });

    it('in a message client_id', async () => {
      const res = await t
        .http()
        .post(`/conversations/${conversationId}/messages`)
        .set('Authorization', alice.auth)
        .send({ content: 'hello', client_id: 'id\u0000x' });
      expectError(res, 400);
    });

    it('in a group name', async () => {
      const res = await t
        .http()
        .post('/conversations/')
        .set('Authorization', alice.auth)
        .send({ participant_ids: [bob.id], is_group_chat: true, name: 'Null\u0000Group' });
      expectError(res, 400);
    });

    it('in the login name: a refusal (400 or 401), not a 500', async () => {
      const res = await t.http().post('/auth/login').send({ username: `${alice.username}\u0000`, password: alice.password });
      expect([400, 401]).toContain(res.status);
      expectError(res, res.status);
    });
  });

  describe('request bodies', () => {
    const bigString = (bytes: number) => 'x'.repeat(bytes);

    it('answers 413 with the JSON error shape to a JSON body over 100 kB', async () => {
      const res = await t
        .http()
        .post('/auth/register')
        .send({ ...newAccount(), full_name: bigString(101 * ONE_KB) });
      expectError(res, 413);
    });

    it('answers 413 to an over-100 kB message, even from a signed-in participant', async () => {
      const res = await sendMessage(bigString(150 * ONE_KB));
      expectError(res, 413);
    });

    it('answers 413 to a form-encoded login over 100 kB', async () => {
      const res = await t.http().post('/auth/login').type('form').send(`username=${bigString(101 * ONE_KB)}&password=x`);
      expectError(res, 413);
    });

    it('answers 413 to a gzip-compressed body that inflates past 100 kB', async () => {
      const json = JSON.stringify({ ...newAccount(), full_name: bigString(5 * ONE_KB * ONE_KB) });
      const compressed = gzipSync(json);
      expect(compressed.length).toBeLessThan(100 * ONE_KB);
      // Sent with node:http: supertest would re-encode a Buffer given a JSON content type.
      const res = await rawRequest(`${t.baseUrl}/auth/register`, 'POST', {
        'Content-Type': 'application/json',
        'Content-Encoding': 'gzip',
      }, compressed);
      expect(res.status).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/json\b/);
      const body = JSON.parse(res.text);
      expect(Object.keys(body).sort()).toEqual(['error', 'message', 'statusCode']);
      expect(body.statusCode).toBe(413);
    });

    it('parses a 90 kB body and judges its content (400), so the 413 above is about size', async () => {
      // 90 kB of JSON is under the limit; as a message it is too long, which validation reports.
      const res = await sendMessage(bigString(90 * ONE_KB));
      expectError(res, 400);
    });

    it.each([
      ['a truncated object', '{"username": '],
      ['single quotes', "{'username': 'x'}"],
      ['a trailing comma', '{"username": "abc",}'],
      ['plain words', 'hello world'],
    ])('answers 400 JSON to malformed JSON: %s', async (_label, raw) => {
      const res = await t.http().post('/auth/register').set('Content-Type', 'application/json').send(raw);
      expectError(res, 400);
    });

    it('answers 400 JSON to malformed JSON on an authenticated route', async () => {
      const res = await t
        .http()
        .post(`/conversations/${conversationId}/messages`)
        .set('Authorization', alice.auth)
        .set('Content-Type', 'application/json')
        .send('{"content": "unterminated');
      expectError(res, 400);
    });

    const notObjects: Array<[string, string]> = [
      ['an empty array', '[]'],
      ['an array holding a valid body', JSON.stringify([{ ...newAccount(), password: 'long-enough-pw' }])],
      ['a string', '"hello"'],
      ['a number', '42'],
      ['null', 'null'],
      ['true', 'true'],
    ];

    it.each(notObjects)('answers 400 to %s as the register body', async (_label, raw) => {
      const res = await t.http().post('/auth/register').set('Content-Type', 'application/json').send(raw);
      expectError(res, 400);
    });

    it.each(notObjects)('answers 400 to %s as the login body', async (_label, raw) => {
      const res = await t.http().post('/auth/login').set('Content-Type', 'application/json').send(raw);
      expectError(res, 400);
    });

    it('answers 400 to an array of valid messages as a message body, storing nothing', async () => {
      const before = (await history()).length;
      const res = await t
        .http()
        .post(`/conversations/${conversationId}/messages`)
        .set('Authorization', alice.auth)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify([{ content: 'one' }, { content: 'two' }]));
      expectError(res, 400);
      expect((await history()).length).toBe(before);
    });

    it('answers 4xx JSON to an unsupported charset', async () => {
      const res = await t.http().post('/auth/register').set('Content-Type', 'application/json; charset=latin9').send('{}');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectError(res, res.status);
    });

    it.each([
      ['__proto__', '{"__proto__": {"polluted": true}}'],
      ['constructor.prototype', '{"constructor": {"prototype": {"polluted": true}}}'],
    ])('treats a %s key as an unknown field (400) and pollutes nothing', async (_label, extra) => {
      const account = newAccount('proto');
      const raw = `${JSON.stringify(account).slice(0, -1)}, ${extra.slice(1)}`;
      const res = await t.http().post('/auth/register').set('Content-Type', 'application/json').send(raw);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expectError(res, 400);
    });
  });

  describe('error bodies leak nothing', () => {
    const requests: Array<[string, number, () => Promise<Response>]> = [
      ['an unknown route', 404, () => t.http().get('/no/such/route')],
      ['an unknown method on a known path', 404, () => t.http().put('/users/me').set('Authorization', alice.auth)],
      ['a path full of markup', 404, () => t.http().get('/%3Cscript%3Ealert(1)%3C/script%3E')],
      ['a missing token', 401, () => t.http().get('/users/me')],
      ['a garbage token', 401, () => t.http().get('/users/me').set('Authorization', 'Bearer <b>x</b>')],
      ['a malformed UUID in the path', 400, () => t.http().get('/conversations/not-a-uuid').set('Authorization', alice.auth)],
      ['a malformed UUID cursor', 400, () => t.http().get(`/conversations/${conversationId}/messages?before=nope`).set('Authorization', alice.auth)],
      ['an invalid register body', 400, () => t.http().post('/auth/register').send({ username: '<b>' })],
      ['malformed JSON', 400, () => t.http().post('/auth/login').set('Content-Type', 'application/json').send('{')],
      ['an oversized body', 413, () => t.http().post('/auth/login').send({ username: 'x'.repeat(200 * ONE_KB), password: 'x' })],
      ['a duplicate username', 409, () => t.http().post('/auth/register').send({ ...newAccount(), username: alice.username })],
      ['wrong credentials', 401, () => t.http().post('/auth/login').send({ username: alice.username, password: 'wrong-password' })],
      ['a repeated q parameter', 400, () => t.http().get('/users/?q=a&q=b').set('Authorization', alice.auth)],
      ['a repeated limit parameter', 400, () => t.http().get('/users/?limit=1&limit=2').set('Authorization', alice.auth)],
      [
        'a repeated username in a form login',
        400,
        () => t.http().post('/auth/login').type('form').send(`username=${alice.username}&username=x&password=${alice.password}`),
      ],
      ['a NUL in a query', 400, () => t.http().get('/users/').query({ q: '\u0000' }).set('Authorization', alice.auth)],
    ];

    it.each(requests)('%s: JSON {statusCode, message, error} only, no stack trace, no HTML', async (_label, status, send) => {
      const res = await send();
      expectError(res, status);
      expect(res.headers['content-type']).not.toMatch(/html/);
    });
  });

  describe('HTTP headers', () => {
    it.each([
      ['a JSON success', () => t.http().get('/health')],
      ['an error', () => t.http().get('/no/such/route')],
      ['an authenticated response', () => t.http().get('/users/me').set('Authorization', alice.auth)],
    ])('sends helmet’s security headers and no x-powered-by on %s', async (_label, send) => {
      const res = await send();
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-frame-options']).toMatch(/^(DENY|SAMEORIGIN)$/i);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      expect(res.headers['referrer-policy']).toBeDefined();
    });
  });

  describe('CORS', () => {
    const allowed = 'http://localhost:3000';

    it('grants an allowed origin on a simple request', async () => {
      const res = await t.http().get('/health').set('Origin', allowed);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe(allowed);
      expect(res.headers['vary']).toMatch(/Origin/i);
    });

    it('answers a preflight from an allowed origin for an authenticated JSON POST', async () => {
      const res = await t
        .http()
        .options('/conversations/')
        .set('Origin', allowed)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(300);
      expect(res.headers['access-control-allow-origin']).toBe(allowed);
      expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
      expect(res.headers['access-control-allow-headers']).toMatch(/authorization/i);
    });

    it.each(['http://evil.example', 'http://localhost:3000.evil.example', 'https://localhost:3000', 'http://localhost:30001', 'null'])(
      'grants nothing to the origin %s',
      async (origin) => {
        const simple = await t.http().get('/health').set('Origin', origin);
        expect(simple.headers['access-control-allow-origin']).toBeUndefined();
        const preflight = await t
          .http()
          .options('/auth/login')
          .set('Origin', origin)
          .set('Access-Control-Request-Method', 'POST')
          .set('Access-Control-Request-Headers', 'content-type');
        expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
        expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
      },
    );
  });

  describe('service endpoints', () => {
    it('GET /health answers 200 {status: "ok"} with the database’s state', async () => {
      const res = await t.http().get('/health');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json\b/);
      expect(res.body.status).toBe('ok');
      expect(JSON.stringify(res.body)).toMatch(/"database"/);
    });

    it('GET /docs serves the Swagger UI as HTML', async () => {
      const res = await t.http().get('/docs');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html\b/);
      expect(res.text).toMatch(/swagger-ui/i);
    });

    describe('GET /docs-json', () => {
      interface Operation {
        security?: Array<Record<string, string[]>>;
        parameters?: Array<{ name: string; in: string }>;
        requestBody?: { content: Record<string, unknown> };
      }
      interface OpenApi {
        openapi: string;
        paths: Record<string, Record<string, Operation>>;
        components: {
          securitySchemes?: Record<string, { type: string; scheme?: string }>;
          schemas?: Record<string, { properties?: Record<string, unknown> }>;
        };
      }
      let doc: OpenApi;
      let bearerSchemes: string[];

      beforeAll(async () => {
        const res = await t.http().get('/docs-json');
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/json\b/);
        doc = res.body;
        bearerSchemes = Object.entries(doc.components.securitySchemes ?? {})
          .filter(([, s]) => s.type === 'http' && s.scheme?.toLowerCase() === 'bearer')
          .map(([name]) => name);
      });

      /** API.md's REST table: [method, path, requires a token]. */
      const contract: Array<[string, string, boolean]> = [
        ['post', '/auth/register', false],
        ['post', '/auth/login', false],
        ['get', '/users/me', true],
        ['patch', '/users/me', true],
        ['get', '/users/', true],
        ['post', '/conversations/', true],
        ['get', '/conversations/', true],
        ['get', '/conversations/{id}', true],
        ['get', '/conversations/{id}/messages', true],
        ['post', '/conversations/{id}/messages', true],
        ['post', '/conversations/{id}/read', true],
        ['get', '/health', false],
      ];

      const operation = (method: string, path: string): Operation | undefined => {
        const trimmed = path.replace(/\/$/, '');
        return (doc.paths[trimmed] ?? doc.paths[`${trimmed}/`])?.[method];
      };

      it('is an OpenAPI 3 document with an HTTP bearer security scheme', () => {
        expect(doc.openapi).toMatch(/^3\./);
        expect(bearerSchemes.length).toBeGreaterThan(0);
      });

      it.each(contract)('documents %s %s', (method, path, authenticated) => {
        const op = operation(method, path);
        expect(op).toBeDefined();
        if (authenticated) {
          const schemes = (op!.security ?? []).flatMap((requirement) => Object.keys(requirement));
          expect(schemes.some((s) => bearerSchemes.includes(s))).toBe(true);
        }
      });

      it('documents the query parameters of the list endpoints', () => {
        const names = (method: string, path: string) =>
          (operation(method, path)?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name).sort();
        expect(names('get', '/users/')).toEqual(expect.arrayContaining(['limit', 'q']));
        expect(names('get', '/conversations/{id}/messages')).toEqual(expect.arrayContaining(['after', 'before', 'limit']));
      });

      it('documents the form-encoded login of the OAuth2 password flow', () => {
        expect(Object.keys(operation('post', '/auth/login')?.requestBody?.content ?? {})).toEqual(
          expect.arrayContaining(['application/json', 'application/x-www-form-urlencoded']),
        );
      });

      it.each([
        ['User', ['id', 'username', 'email', 'full_name', 'avatar_url', 'created_at']],
        ['PublicUser', ['id', 'username', 'full_name', 'avatar_url', 'is_online', 'last_seen_at']],
        ['Message', ['id', 'conversation_id', 'sender_id', 'content', 'client_id', 'status', 'created_at']],
        [
          'Conversation',
          ['id', 'name', 'is_group_chat', 'created_at', 'last_message_at', 'participants', 'last_message', 'unread_count', 'has_unread'],
        ],
        ['token', ['access_token', 'token_type', 'expires_in']],
        ['error', ['statusCode', 'message', 'error']],
      ])('has a schema for the %s object with all of its fields', (_name, fields) => {
        const schemas = Object.values(doc.components.schemas ?? {});
        const match = schemas.find((s) => fields.every((f) => Object.prototype.hasOwnProperty.call(s.properties ?? {}, f)));
        expect(match).toBeDefined();
      });

      it('never documents an email or password field in the PublicUser schema', () => {
        const publicUser = Object.values(doc.components.schemas ?? {}).find(
          (s) => s.properties && 'is_online' in s.properties && 'last_seen_at' in s.properties,
        );
        expect(publicUser).toBeDefined();
        expect(Object.keys(publicUser!.properties!)).not.toContain('email');
        expect(Object.keys(publicUser!.properties!).some((k) => /password/i.test(k))).toBe(false);
      });
    });
  });

  describe('avatar_url: https on a public host, or nothing', () => {
    const setAvatar = (avatar_url: string | null, user: TestUser = alice) =>
      t.http().patch('/users/me').set('Authorization', user.auth).send({ avatar_url });

    it.each([
      'https://cdn.example.com/avatars/alice.png',
      'https://images.example.org:8443/a.webp?size=64#x',
      'https://93.184.215.14/a.png',
      'http://images.example.org/a.png',
      'https://[2606:2800:21f:cb07:6820:80da:af6b:8b2c]/a.png',
    ])('accepts %s, and shows it to the other participants', async (url) => {
      const res = await setAvatar(url);
      expect(res.status).toBe(200);
      expect(res.body.avatar_url).toBe(url);
      const seen = await t.http().get(`/conversations/${conversationId}`).set('Authorization', bob.auth);
      expect(seen.body.participants.find((p: { id: string }) => p.id === alice.id).avatar_url).toBe(url);
    });

    it.each([
      ['ftp://example.com/a.png', 'avatar_url must be an http(s) URL'],
      ['https:example.com/a.png', 'avatar_url must be an http(s) URL'],
      ['http://10.0.0.8/a.png', 'avatar_url must not point at a private, loopback, link-local or reserved address'],
      ['https://alice:secret@example.com/a.png', 'avatar_url must not contain a user name or password'],
      ['https://127.0.0.1/a.png', 'avatar_url must not point at a private, loopback, link-local or reserved address'],
      ['https://10.0.0.8/a.png', 'avatar_url must not point at a private, loopback, link-local or reserved address'],
      ['https://192.168.1.1/router.png', 'avatar_url must not point at a private, loopback, link-local or reserved address'],
      ['https://169.254.169.254/latest/meta-data/', 'avatar_url must not point at a private, loopback, link-local or reserved address'],
      ['https://[::1]/a.png', 'avatar_url must not point at a private, loopback, link-local or reserved address'],
      ['https://[fe80::1]/a.png', 'avatar_url must not point at a private, loopback, link-local or reserved address'],
      ['https://[::ffff:192.168.0.1]/a.png', 'avatar_url must not point at a private, loopback, link-local or reserved address'],
      ['https://localhost/a.png', 'avatar_url must name a public host (not localhost, a .local or .internal name, or a name without a dot)'],
      ['https://nas.local/a.png', 'avatar_url must name a public host (not localhost, a .local or .internal name, or a name without a dot)'],
      ['https://metadata.google.internal/a.png', 'avatar_url must name a public host (not localhost, a .local or .internal name, or a name without a dot)'],
      ['https://intranet/a.png', 'avatar_url must name a public host (not localhost, a .local or .internal name, or a name without a dot)'],
    ])('refuses %s with 400 and says why, keeping the picture it had', async (url, message) => {
      const kept = 'https://cdn.example.com/kept.png';
      expect((await setAvatar(kept)).status).toBe(200);
      const res = await setAvatar(url);
      expectError(res, 400);
      expect(res.body.message).toEqual([message]);
      const me = await t.http().get('/users/me').set('Authorization', alice.auth);
      expect(me.body.avatar_url).toBe(kept);
    });

    it('serves a value stored before the policy existed as null, to its owner and to everyone else', async () => {
      const carol = await registerUser(t, 'sec');
      await startConversation(t, carol, [bob]);
      await t.db.query('UPDATE users SET avatar_url = $1 WHERE id = $2', ['http://192.168.1.20/tracker.gif', carol.id]);
      const own = await t.http().get('/users/me').set('Authorization', carol.auth);
      expect(own.body.avatar_url).toBeNull();
      const seen = await t.http().get('/users/').query({ q: carol.username }).set('Authorization', bob.auth);
      expect(seen.body.map((u: { avatar_url: string | null }) => u.avatar_url)).toEqual([null]);
    });

    it('clears the picture with null', async () => {
      const res = await setAvatar(null);
      expect(res.status).toBe(200);
      expect(res.body.avatar_url).toBeNull();
    });
  });

  describe('what other users can see', () => {
    it('shows a participant’s public profile only: no email, nothing about the password', async () => {
      const res = await t.http().get(`/conversations/${conversationId}`).set('Authorization', alice.auth);
      expect(res.status).toBe(200);
      expect(res.body.participants.map((p: { id: string }) => p.id).sort()).toEqual([alice.id, bob.id].sort());
      for (const p of res.body.participants) expect(Object.keys(p).sort()).toEqual(PARTICIPANT_KEYS);
      expect(res.text).not.toContain(bob.email);
      expect(res.text).not.toContain(alice.email);
      expect(res.text).not.toContain('$argon2');
      const list = await t.http().get('/users/').query({ q: bob.username }).set('Authorization', alice.auth);
      expect(list.status).toBe(200);
      expect(list.body.map((u: { id: string }) => u.id)).toEqual([bob.id]);
      expect(Object.keys(list.body[0]).sort()).toEqual(PUBLIC_USER_KEYS);
      expect(list.text).not.toContain(bob.email);
      expect(list.text).not.toContain('$argon2');
    });
  });
});

describe('login throttling without a trusted proxy', () => {
  const MAX_ATTEMPTS = 3;
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      env: { TRUST_PROXY: 'false', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: String(MAX_ATTEMPTS), LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000' },
    });
  });
  afterAll(() => t.close());

  it('cannot be escaped by a client forging X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= MAX_ATTEMPTS; i++) {
      const res = await t
        .http()
        .post('/auth/login')
        .set('X-Forwarded-For', `198.51.100.${i + 1}`)
        .send({ username: uniqueName('spoof'), password: `guess-${i}` });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([...Array(MAX_ATTEMPTS).fill(401), 429]);
  });
});

describe('the web client’s security headers', () => {
  // What `vite preview` sends is checked in a real browser (browser_security.test.ts); nginx
  // cannot run here, so its copy is read from its configuration.
  it('are the same in nginx (deploy/nginx/web-headers.conf) as in vite preview (frontend/security-headers.ts)', () => {
    const conf = readFileSync(join(__dirname, '..', '..', 'deploy', 'nginx', 'web-headers.conf'), 'utf8');
    const nginx = Object.fromEntries(
      [...conf.matchAll(/^add_header\s+(\S+)\s+"([^"]*)"\s+always;$/gm)].map(([, name, value]) => [name, value]),
    );
    expect(nginx).toEqual(SECURITY_HEADERS);
    // Every other add_header of the file is the request id's (not quoted: a variable).
    expect(conf.match(/^add_header\s/gm)).toHaveLength(Object.keys(SECURITY_HEADERS).length + 1);
  });
});
