import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { startApp, type TestApp } from '../support/app';
import { expectError } from '../support/errors';
import { registerUser, startConversation, type TestUser } from '../support/users';
import { WsClient } from '../support/ws';

/**
 * Sessions: every login is one, its id in the token. Logging out (or revoking a session from
 * another device) refuses its token at once, tells its sockets `session_revoked` and closes
 * them with 4401; other sessions carry on. A socket also closes when its token expires.
 */
const SECRET_KEY = randomBytes(32).toString('base64url');

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
}

function signJwt(claims: object): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc(claims)}`;
  return `${input}.${createHmac('sha256', SECRET_KEY).update(input).digest('base64url')}`;
}

describe('sessions', () => {
  let t: TestApp;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    t = await startApp({ env: { SECRET_KEY } });
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });
  afterAll(() => t.close());

  const me = (auth: string) => t.http().get('/users/me').set('Authorization', auth);
  const sessions = (auth: string) => t.http().get('/auth/sessions').set('Authorization', auth);
  const logout = (auth: string) => t.http().post('/auth/logout').set('Authorization', auth);

  /** Another login of the same user, from another "device". */
  async function loginAgain(user: TestUser, userAgent: string): Promise<{ token: string; auth: string }> {
    const res = await t.http().post('/auth/login').set('User-Agent', userAgent).send({ username: user.username, password: user.password });
    expect(res.status).toBe(200);
    return { token: res.body.access_token, auth: `Bearer ${res.body.access_token}` };
  }

  async function stream(token: string): Promise<WsClient> {
    const socket = await WsClient.stream(t.baseUrl, token);
    sockets.push(socket);
    return socket;
  }

  it('lists the live sessions with their user agent, the current one marked, most recently used first', async () => {
    const user = await registerUser(t, 'sess');
    const phone = await loginAgain(user, 'ChatFlowPhone/1.0');
    const res = await sessions(phone.auth);
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(2);
    expect(res.body.map((s: { current: boolean }) => s.current)).toEqual([true, false]);
    const [current, first] = res.body;
    expect(current).toEqual({
      id: claimsOf(phone.token).sid,
      created_at: expect.stringMatching(/Z$/),
      last_used_at: expect.stringMatching(/Z$/),
      user_agent: 'ChatFlowPhone/1.0',
      current: true,
    });
    expect(first.id).toBe(claimsOf(user.token).sid);
    // The other session's list marks the other one current.
    const fromFirst = await sessions(user.auth);
    expect(fromFirst.body.find((s: { current: boolean }) => s.current).id).toBe(first.id);
  });

  it('logs out: that token is refused, another session of the same user is not', async () => {
    const user = await registerUser(t, 'sess');
    const laptop = await loginAgain(user, 'Laptop');
    expect((await me(user.auth)).status).toBe(200);
    expect((await logout(user.auth)).status).toBe(204);
    expectError(await me(user.auth), 401);
    expectError(await logout(user.auth), 401);
    expect((await me(laptop.auth)).status).toBe(200);
    const left = await sessions(laptop.auth);
    expect(left.body.map((s: { id: string }) => s.id)).toEqual([claimsOf(laptop.token).sid]);
  });

  it("tells a logged-out session's sockets session_revoked and closes them with 4401; the other session's stay", async () => {
    const user = await registerUser(t, 'sess');
    const friend = await registerUser(t, 'friend');
    const conversationId = await startConversation(t, friend, [user]);
    const laptop = await loginAgain(user, 'Laptop');
    const revokedStream = await stream(user.token);
    const revokedSocket = await WsClient.conversation(t.baseUrl, conversationId, user.token);
    sockets.push(revokedSocket);
    const otherStream = await stream(laptop.token);

    expect((await logout(user.auth)).status).toBe(204);
    for (const socket of [revokedStream, revokedSocket]) {
      await expect(socket.closed).resolves.toEqual({ code: 4401, reason: 'session revoked' });
      expect(socket.frames.at(-1)).toEqual({ type: 'session_revoked' });
    }
    // The other session still hears its conversations.
    const sent = await t.http().post(`/conversations/${conversationId}/messages`).set('Authorization', friend.auth).send({ content: 'still there?' });
    expect(sent.status).toBe(201);
    await expect(otherStream.next((f) => f.type === 'message' && f.message.content === 'still there?')).resolves.toBeDefined();
    expect(otherStream.isOpen).toBe(true);
    expect(otherStream.frames.some((f) => f.type === 'session_revoked')).toBe(false);
  });

  it('refuses a WebSocket handshake with a logged-out token (4401)', async () => {
    const user = await registerUser(t, 'sess');
    expect((await logout(user.auth)).status).toBe(204);
    const socket = await WsClient.open(`${t.baseUrl.replace(/^http/, 'ws')}/ws`, ['chatflow.v1', `bearer.${user.token}`]);
    sockets.push(socket);
    await expect(socket.closed).resolves.toMatchObject({ code: 4401 });
    expect(socket.frames).toEqual([]);
  });

  it('revokes another session of the caller (a lost phone), and only the caller’s', async () => {
    const user = await registerUser(t, 'sess');
    const phone = await loginAgain(user, 'Phone');
    const phoneStream = await stream(phone.token);
    const stranger = await registerUser(t, 'stranger');
    const phoneSession = claimsOf(phone.token).sid as string;

    expectError(await t.http().delete(`/auth/sessions/${phoneSession}`).set('Authorization', stranger.auth), 404);
    expect((await me(phone.auth)).status).toBe(200);

    expect((await t.http().delete(`/auth/sessions/${phoneSession}`).set('Authorization', user.auth)).status).toBe(204);
    await expect(phoneStream.closed).resolves.toEqual({ code: 4401, reason: 'session revoked' });
    expectError(await me(phone.auth), 401);
    expect((await me(user.auth)).status).toBe(200);
    // Gone already, or never anyone's: 404; not an id at all: 400.
    expectError(await t.http().delete(`/auth/sessions/${phoneSession}`).set('Authorization', user.auth), 404);
    expectError(await t.http().delete(`/auth/sessions/${randomUUID()}`).set('Authorization', user.auth), 404);
    expectError(await t.http().delete('/auth/sessions/not-a-session').set('Authorization', user.auth), 400);
  });

  it('refuses a token that names no session (as tokens from before sessions did)', async () => {
    const user = await registerUser(t, 'sess');
    const { sid: _sid, ...withoutSession } = claimsOf(user.token);
    expectError(await me(`Bearer ${signJwt(withoutSession)}`), 401);
    expectError(await me(`Bearer ${signJwt({ ...withoutSession, sid: randomUUID() })}`), 401);
    expect((await me(user.auth)).status).toBe(200);
  });

  it('closes a socket with 4401 when its token expires', async () => {
    const user = await registerUser(t, 'sess');
    const now = Math.floor(Date.now() / 1000);
    const shortLived = signJwt({ ...claimsOf(user.token), iat: now, exp: now + 2 });
    const socket = await stream(shortLived);
    await expect(socket.closed).resolves.toEqual({ code: 4401, reason: 'token expired' });
    // The session itself lives on: the login's own token still works.
    expect((await me(user.auth)).status).toBe(200);
  });

  it('records the login time and marks use, and keeps a long User-Agent to 512 characters', async () => {
    const user = await registerUser(t, 'sess');
    const long = await loginAgain(user, 'x'.repeat(2000));
    const { rows } = await t.db.query('SELECT user_agent, expires_at, created_at FROM sessions WHERE id = $1', [claimsOf(long.token).sid]);
    expect(rows[0].user_agent).toHaveLength(512);
    const lifetime = (rows[0].expires_at.getTime() - rows[0].created_at.getTime()) / 1000;
    expect(Math.abs(lifetime - (claimsOf(long.token).exp as number) + (claimsOf(long.token).iat as number))).toBeLessThan(2);
  });

  it('takes no body on logout (400)', async () => {
    const user = await registerUser(t, 'sess');
    expectError(await logout(user.auth).send({ everywhere: true }), 400);
    expect((await me(user.auth)).status).toBe(200);
  });
});
