import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { startApp, type TestApp } from '../support/app';
import { expectError } from '../support/errors';
import { registerUser, uniqueName } from '../support/users';

/**
 * The login and account defences: attempts counted before the password is hashed, lock-outs
 * per account and address, common passwords refused, hashes upgraded on login, registration
 * and user search limited per address.
 */
describe('login throttling under a burst', () => {
  const PER_ACCOUNT = 10;
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ env: { LOGIN_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT), TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => t.close());

  const login = (username: string, password: string, address: string) =>
    t.http().post('/auth/login').set('X-Forwarded-For', address).send({ username, password });

  it('lets at most the limit of 300 concurrent wrong passwords be tried, and the owner still logs in from elsewhere', async () => {
    const owner = await registerUser(t, 'burst');
    const statuses = await Promise.all(Array.from({ length: 300 }, (_, i) => login(owner.username, `wrong-${i}`, '198.51.100.9').then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(PER_ACCOUNT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(300 - PER_ACCOUNT);
    // The guesser's address is locked out, even with the right password…
    expectError(await login(owner.username, owner.password, '198.51.100.9'), 429);
    // …the owner's is not.
    expect((await login(owner.username, owner.password, '192.0.2.44')).status).toBe(200);
  });
});

describe('password hashing under a burst of logins', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ env: { PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_QUEUE_LIMIT: '1' } });
  });
  afterAll(() => t.close());

  it('hashes one at a time with one waiting, answers the rest 503 with Retry-After, and logs them in once the burst is over', async () => {
    const users: Array<Awaited<ReturnType<typeof registerUser>>> = [];
    for (let i = 0; i < 8; i++) users.push(await registerUser(t, 'hashq'));
    const login = (user: (typeof users)[number]) => t.http().post('/auth/login').send({ username: user.username, password: user.password });
    const burst = await Promise.all(users.map(login));
    const statuses = burst.map((res) => res.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(2);
    const refused = burst.filter((res) => res.status === 503);
    expect(refused.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    for (const res of refused) {
      expectError(res, 503);
      expect(res.headers['retry-after']).toBe('1');
    }
    // Refused, not failed: no lock-out, and each logs in on a retry.
    for (const user of users) expect((await login(user)).status).toBe(200);
  });
});

describe('account defences', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ env: { REGISTRATIONS_PER_ADDRESS: '3', USER_SEARCHES_PER_MINUTE_PER_USER: '5', TRUST_PROXY: 'loopback' } });
  });
  afterAll(() => t.close());

  const register = (password: string, address: string) => {
    const username = uniqueName('def');
    return t.http().post('/auth/register').set('X-Forwarded-For', address).send({ username, email: `${username}@example.test`, password });
  };

  it.each(['password', '12345678', 'iloveyou', 'Qwertyuiop'])('refuses the common password %j at registration with 400', async (password) => {
    const res = await register(password, '203.0.113.60');
    expectError(res, 400);
    expect(JSON.stringify(res.body.message)).toContain('most common passwords');
  });

  it('limits the accounts created from one address, with Retry-After, and not from another', async () => {
    const address = '203.0.113.61';
    for (let i = 0; i < 3; i++) expect((await register(`pw-${randomBytes(6).toString('hex')}`, address)).status).toBe(201);
    const refused = await register(`pw-${randomBytes(6).toString('hex')}`, address);
    expectError(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await register(`pw-${randomBytes(6).toString('hex')}`, '203.0.113.62')).status).toBe(201);
  });

  it('limits user searches per user, with Retry-After', async () => {
    const user = await registerUser(t, 'searcher');
    const search = () => t.http().get('/users/').query({ q: 'x' }).set('Authorization', user.auth);
    for (let i = 0; i < 5; i++) expect((await search()).status).toBe(200);
    const refused = await search();
    expectError(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it('makes the hash again with today’s parameters when someone logs in with an older one', async () => {
    const user = await registerUser(t, 'rehash');
    const weak = await argon2.hash(user.password, { type: argon2.argon2id, memoryCost: 4096, timeCost: 1, parallelism: 1 });
    await t.db.query(`UPDATE users SET password_hash = $2 WHERE id = $1`, [user.id, weak]);
    expect((await t.http().post('/auth/login').send({ username: user.username, password: user.password })).status).toBe(200);
    const { rows } = await t.db.query<{ password_hash: string }>(`SELECT password_hash FROM users WHERE id = $1`, [user.id]);
    expect(rows[0].password_hash).not.toBe(weak);
    const [, algorithm, , parameters] = rows[0].password_hash.split('$');
    expect(algorithm).toBe('argon2id');
    expect(Object.fromEntries(parameters.split(',').map((kv) => kv.split('=')))).toEqual({ m: '19456', t: '2', p: '1' });
    expect(await argon2.verify(rows[0].password_hash, user.password)).toBe(true);
  });
});
