import { startApp, type TestApp } from '../support/app';
import { expectError } from '../support/errors';
import { registerUser, startConversation, type TestUser } from '../support/users';
import { WsClient } from '../support/ws';

/**
 * The account as a whole: changing the password logs out the other sessions; deleting the
 * account takes everything personal away while the others keep the conversation; the export
 * is everything the user sent or can read, decrypted.
 */
describe('accounts', () => {
  let t: TestApp;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    t = await startApp();
  });
  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });
  afterAll(() => t.close());

  const me = (auth: string) => t.http().get('/users/me').set('Authorization', auth);
  const login = (username: string, password: string) => t.http().post('/auth/login').send({ username, password });
  const send = (user: TestUser, conversationId: string, content: string) =>
    t.http().post(`/conversations/${conversationId}/messages`).set('Authorization', user.auth).send({ content });

  async function stream(token: string): Promise<WsClient> {
    const socket = await WsClient.stream(t.baseUrl, token);
    sockets.push(socket);
    return socket;
  }

  async function loginAgain(user: TestUser): Promise<{ token: string; auth: string }> {
    const res = await login(user.username, user.password);
    expect(res.status).toBe(200);
    return { token: res.body.access_token, auth: `Bearer ${res.body.access_token}` };
  }

  describe('POST /users/me/password', () => {
    const change = (user: TestUser, body: object) => t.http().post('/users/me/password').set('Authorization', user.auth).send(body);

    it('changes the password and logs out every other session, keeping this one', async () => {
      const user = await registerUser(t, 'pw');
      const phone = await loginAgain(user);
      const phoneStream = await stream(phone.token);
      const newPassword = 'a-new-and-long-passphrase';

      expect((await change(user, { current_password: user.password, new_password: newPassword })).status).toBe(204);
      await expect(phoneStream.closed).resolves.toEqual({ code: 4401, reason: 'session revoked' });
      expectError(await me(phone.auth), 401);
      expect((await me(user.auth)).status).toBe(200);
      expectError(await login(user.username, user.password), 401);
      expect((await login(user.username, newPassword)).status).toBe(200);
    });

    it('refuses a wrong current password with 403 and a weak new one with 400, changing nothing', async () => {
      const user = await registerUser(t, 'pw');
      const other = await loginAgain(user);
      expectError(await change(user, { current_password: 'not-my-password', new_password: 'a-new-and-long-passphrase' }), 403);
      expectError(await change(user, { current_password: user.password, new_password: 'password' }), 400);
      expectError(await change(user, { current_password: user.password, new_password: 'short' }), 400);
      expectError(await change(user, { current_password: user.password }), 400);
      expect((await me(other.auth)).status).toBe(200);
      expect((await login(user.username, user.password)).status).toBe(200);
    });
  });

  describe('DELETE /users/me', () => {
    const remove = (user: TestUser, password: string) => t.http().delete('/users/me').set('Authorization', user.auth).send({ password });

    it('refuses a wrong password with 403 and a missing one with 400', async () => {
      const user = await registerUser(t, 'del');
      expectError(await remove(user, 'not-my-password'), 403);
      expectError(await t.http().delete('/users/me').set('Authorization', user.auth).send({}), 400);
      expect((await me(user.auth)).status).toBe(200);
    });

    it('logs every session out, frees the username and leaves nothing to log in with', async () => {
      const user = await registerUser(t, 'del');
      const socket = await stream(user.token);
      expect((await remove(user, user.password)).status).toBe(204);
      await expect(socket.closed).resolves.toEqual({ code: 4401, reason: 'session revoked' });
      expect(socket.frames.at(-1)).toEqual({ type: 'session_revoked' });
      expectError(await me(user.auth), 401);
      expectError(await login(user.username, user.password), 401);
      expectError(await login(user.email, user.password), 401);
      const { rows } = await t.db.query('SELECT username, email, password_hash, full_name, deleted_at FROM users WHERE id = $1', [user.id]);
      expect(rows[0]).toEqual({ username: expect.stringMatching(/^deleted:/), email: null, password_hash: null, full_name: null, deleted_at: expect.any(Date) });
      // Someone else may take the name now.
      const again = await t.http().post('/auth/register').send({ username: user.username, email: user.email, password: user.password });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(user.id);
    });

    it('keeps the one-on-one for the other person, read-only, from a deleted account — live and for a client that was away', async () => {
      const [leaver, friend] = [await registerUser(t, 'del'), await registerUser(t, 'friend')];
      const id = await startConversation(t, friend, [leaver]);
      expect((await send(leaver, id, 'my last words')).status).toBe(201);
      const before = (await t.http().get(`/conversations/${id}`).set('Authorization', friend.auth)).body.last_event_seq;
      const friendStream = await stream(friend.token);

      expect((await remove(leaver, leaver.password)).status).toBe(204);
      const updated = await friendStream.next((f) => f.type === 'conversation_updated' && f.conversation_id === id);
      const gone = updated.conversation.participants.find((p: { id: string }) => p.id === leaver.id);
      expect(gone).toEqual({
        id: leaver.id,
        username: expect.stringMatching(/^deleted:/),
        full_name: null,
        avatar_url: null,
        is_online: false,
        last_seen_at: null,
        deleted: true,
        role: 'member',
      });
      // A client that was away finds the same change in the feed.
      const feed = await t.http().get(`/conversations/${id}/events?after=${before}`).set('Authorization', friend.auth);
      expect(feed.body.events.map((e: { type: string }) => e.type)).toContain('conversation_updated');
      // The messages stay, and nobody can write any more: REST 403, WebSocket `forbidden`.
      const history = await t.http().get(`/conversations/${id}/messages`).set('Authorization', friend.auth);
      expect(history.body.map((m: { content: string; sender_id: string }) => [m.sender_id, m.content])).toEqual([[leaver.id, 'my last words']]);
      const refused = await send(friend, id, 'are you there?');
      expectError(refused, 403);
      expect(refused.body.message).toMatch(/deleted/);
      friendStream.send({ type: 'message', conversation_id: id, content: 'hello?', client_id: 'to-deleted' });
      expect(await friendStream.next((f) => f.type === 'error' && f.client_id === 'to-deleted')).toMatchObject({ code: 'forbidden' });
      // Nor can anyone start a conversation with, find, or block the account.
      expectError(await t.http().post('/conversations/').set('Authorization', friend.auth).send({ participant_ids: [leaver.id] }), 400);
      const found = await t.http().get(`/users/?q=${encodeURIComponent(gone.username)}`).set('Authorization', friend.auth);
      expect(found.body).toEqual([]);
      expectError(await t.http().post(`/users/${leaver.id}/block`).set('Authorization', friend.auth), 404);
    });

    it('leaves every group, handing on ownership, and the members are told', async () => {
      const [owner, admin, member] = [await registerUser(t, 'del'), await registerUser(t, 'adm'), await registerUser(t, 'mem')];
      const id = await startConversation(t, owner, [admin, member], 'Book club');
      expect((await t.http().patch(`/conversations/${id}/participants/${admin.id}`).set('Authorization', owner.auth).send({ role: 'admin' })).status).toBe(200);
      expect((await send(owner, id, 'see you thursday')).status).toBe(201);
      const memberStream = await stream(member.token);

      expect((await remove(owner, owner.password)).status).toBe(204);
      const notice = await memberStream.next((f) => f.type === 'message' && f.message.system?.action === 'member_left');
      expect(notice.message.system.user_ids).toEqual([owner.id]);
      const conversation = (await t.http().get(`/conversations/${id}`).set('Authorization', member.auth)).body;
      expect(conversation.participants.map((p: { id: string; role: string }) => [p.id, p.role]).sort()).toEqual(
        [[admin.id, 'owner'], [member.id, 'member']].sort(),
      );
      const history = await t.http().get(`/conversations/${id}/messages`).set('Authorization', member.auth);
      expect(history.body.some((m: { content: string }) => m.content === 'see you thursday')).toBe(true);
      // The group carries on.
      expect((await send(member, id, 'we go on')).status).toBe(201);
    });

    it('lifts the blocks by and of the account', async () => {
      const [leaver, blocked, blocker] = [await registerUser(t, 'del'), await registerUser(t, 'bd'), await registerUser(t, 'br')];
      expect((await t.http().post(`/users/${blocked.id}/block`).set('Authorization', leaver.auth)).status).toBe(204);
      expect((await t.http().post(`/users/${leaver.id}/block`).set('Authorization', blocker.auth)).status).toBe(204);
      expect((await remove(leaver, leaver.password)).status).toBe(204);
      const { rows } = await t.db.query('SELECT 1 FROM blocks WHERE blocker_id = $1 OR blocked_id = $1', [leaver.id]);
      expect(rows).toEqual([]);
      expect((await t.http().get('/users/me/blocks').set('Authorization', blocker.auth)).body).toEqual([]);
    });
  });

  describe('GET /users/me/export', () => {
    const exportOf = (user: TestUser) => t.http().get('/users/me/export').set('Authorization', user.auth).buffer(true).parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    });

    it('is a JSON download of the profile and every message the caller can read, decrypted, and what they wrote in groups they left', async () => {
      const [me_, friend, third] = [await registerUser(t, 'exp', 'Export Me'), await registerUser(t, 'fr'), await registerUser(t, 'th')];
      const direct = await startConversation(t, me_, [friend]);
      expect((await send(me_, direct, 'hello "friend" \\ ✓')).status).toBe(201);
      expect((await send(friend, direct, 'hi back')).status).toBe(201);
      const left = await startConversation(t, me_, [friend, third], 'Left behind');
      expect((await send(me_, left, 'before leaving')).status).toBe(201);
      expect((await send(third, left, 'not mine, and no longer readable')).status).toBe(201);
      expect((await t.http().post(`/conversations/${left}/leave`).set('Authorization', me_.auth)).status).toBe(204);
      // A group they were added to later: only what came after.
      const joined = await startConversation(t, friend, [third, await registerUser(t, 'fo')], 'Joined later');
      expect((await send(friend, joined, 'before you came')).status).toBe(201);
      expect((await t.http().post(`/conversations/${joined}/participants`).set('Authorization', friend.auth).send({ user_ids: [me_.id] })).status).toBe(200);
      expect((await send(third, joined, 'welcome')).status).toBe(201);

      const res = await exportOf(me_);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="chatflow-export-${me_.username}-\\d{4}-\\d{2}-\\d{2}\\.json"$`));
      const data = JSON.parse(res.body as string);
      expect(data).toMatchObject({ format: 'chatflow-export', version: 1, user: { id: me_.id, username: me_.username, email: me_.email, full_name: 'Export Me' } });
      expect(data.sessions).toEqual([expect.objectContaining({ current: true })]);
      const byId = new Map(data.conversations.map((c: { id: string }) => [c.id, c]));
      expect([...byId.keys()].sort()).toEqual([direct, joined].sort());
      const contents = (id: string) => (byId.get(id) as { messages: Array<{ content: string }> }).messages.map((m) => m.content);
      expect(contents(direct)).toEqual(['hello "friend" \\ ✓', 'hi back']);
      expect(contents(joined)).toEqual(['', 'welcome']); // their member_added notice (system), then what followed
      expect(data.messages_in_conversations_left.map((m: { content: string; conversation_id: string }) => [m.conversation_id, m.content])).toEqual([
        [left, 'before leaving'],
      ]);
    });

    it('is limited per hour (429 with Retry-After)', async () => {
      const user = await registerUser(t, 'exp');
      for (let i = 0; i < 6; i++) expect((await exportOf(user)).status).toBe(200);
      const refused = await t.http().get('/users/me/export').set('Authorization', user.auth);
      expectError(refused, 429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    });
  });
});
