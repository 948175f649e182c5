import { MAX_PINNED_CHATS, MUTED_FOREVER } from '@chatflow/protocol';
import type { Response } from 'supertest';
import { startApp, type TestApp } from '../support/app';
import { bodyOf, type Caller, chatApi, type Conversation } from '../support/chat';
import { expectError } from '../support/errors';
import { registerUser, type TestUser } from '../support/users';
import { closedAfterEach, type Frame, WsClient } from '../support/ws';

/**
 * Extensions of API.md: each user's own settings of a chat (`PATCH /conversations/{id}/settings`,
 * the `conversation_settings` event to their own devices only) and live profile changes
 * (`user_updated` to whoever shares a conversation with the user).
 */
describe('chat settings and profile changes', () => {
  let t: TestApp;
  const api = chatApi(() => t.http());
  const track = closedAfterEach();

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const users = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(t, 's')));
  const stream = (token: string) => track(WsClient.stream(t.baseUrl, token));
  const directOf = async (caller: Caller, other: Caller): Promise<string> => bodyOf<Conversation>(await api.createDirect(caller, other), 201).id;
  const settingsOk = async (caller: Caller, id: string, body: Record<string, unknown>) => bodyOf<Record<string, any>>(await api.settings(caller, id, body), 200);
  const isMessage = (messageId: string) => (f: Frame) => f.type === 'message' && f.message.id === messageId;

  function refused(res: Response, status: number, message: RegExp): void {
    expectError(res, status);
    expect(String(res.body.message)).toMatch(message);
  }

  /** The same user on another device: a second login, its own token. */
  async function secondDevice(user: TestUser): Promise<string> {
    const login = await t.http().post('/auth/login').send({ username: user.username, password: user.password });
    return (login.body as { access_token: string }).access_token;
  }

  /** Resolves once `observer` has a message `from` sent: every event published for `observer` before it has reached them. */
  async function barrier(observer: WsClient, from: Caller, conversationId: string): Promise<void> {
    const message = await api.sendOk(from, conversationId, 'barrier');
    await observer.next(isMessage(message.id));
  }

  describe('PATCH /conversations/{id}/settings', () => {
    it('changes only the caller’s view: pinned, muted, archived and marked unread show in their list, not in the other person’s', async () => {
      const [alice, bob] = await users(2);
      const id = await directOf(alice, bob);
      const until = new Date(Date.now() + 8 * 3600_000).toISOString();
      const body = await settingsOk(alice, id, { pinned: true, muted_until: until, marked_unread: true });
      expect(body).toEqual({
        conversation_id: id,
        muted_until: until,
        pinned_at: expect.any(String),
        archived: false,
        marked_unread: true,
        settings_version: 1,
      });
      const mine = await api.conversationOk(alice, id);
      expect(mine).toMatchObject({ muted_until: until, pinned_at: body.pinned_at, archived: false, marked_unread: true, settings_version: 1, created_by: alice.id });
      const theirs = await api.conversationOk(bob, id);
      expect(theirs).toMatchObject({ muted_until: null, pinned_at: null, archived: false, marked_unread: false, settings_version: 0 });
      // Not a change of the conversation: nobody pages anything for it.
      expect(theirs.last_event_seq).toBe(0);
    });

    it('keeps "Always" as a mute, and takes a time already past, or null, as unmuted', async () => {
      const [alice, bob] = await users(2);
      const id = await directOf(alice, bob);
      expect((await settingsOk(alice, id, { muted_until: MUTED_FOREVER })).muted_until).toBe(MUTED_FOREVER);
      expect((await settingsOk(alice, id, { muted_until: null })).muted_until).toBeNull();
      expect((await settingsOk(alice, id, { muted_until: '2020-01-01T00:00:00.000Z' })).muted_until).toBeNull();
    });

    it('archives (unpinning), and pinning takes a chat out of the archive; a new message keeps it archived', async () => {
      const [alice, bob] = await users(2);
      const id = await directOf(alice, bob);
      await settingsOk(alice, id, { pinned: true });
      expect(await settingsOk(alice, id, { archived: true })).toMatchObject({ archived: true, pinned_at: null });
      await api.sendOk(bob, id, 'still archived?');
      expect(await api.conversationOk(alice, id)).toMatchObject({ archived: true, unread_count: 1 });
      expect(await settingsOk(alice, id, { pinned: true })).toMatchObject({ archived: false, pinned_at: expect.any(String) });
    });

    it(`refuses a pin beyond ${MAX_PINNED_CHATS} with 409; pinning a pinned chat again keeps its place`, async () => {
      const [alice, ...others] = await users(MAX_PINNED_CHATS + 2);
      const ids = await Promise.all(others.map((o) => directOf(alice, o)));
      const first = await settingsOk(alice, ids[0], { pinned: true });
      for (const id of ids.slice(1, MAX_PINNED_CHATS)) await settingsOk(alice, id, { pinned: true });
      expect((await settingsOk(alice, ids[0], { pinned: true })).pinned_at).toBe(first.pinned_at);
      refused(await api.settings(alice, ids[MAX_PINNED_CHATS], { pinned: true }), 409, /pin up to 3/);
      // Concurrent pins count each other: never more than the limit.
      await settingsOk(alice, ids[0], { pinned: false });
      const raced = await Promise.all([ids[0], ids[MAX_PINNED_CHATS]].map((id) => api.settings(alice, id, { pinned: true })));
      expect(raced.map((r) => r.status).sort()).toEqual([200, 409]);
      expect((await api.listOk(alice)).filter((c) => c.pinned_at).length).toBe(MAX_PINNED_CHATS);
    });

    it('answers 404 to a non-participant and for a conversation that does not exist, 400 to bad input', async () => {
      const [alice, bob, mallory] = await users(3);
      const id = await directOf(alice, bob);
      expectError(await api.settings(mallory, id, { pinned: true }), 404);
      expectError(await api.settings(alice, '00000000-0000-4000-8000-000000000000', { pinned: true }), 404);
      expectError(await api.settings(alice, 'not-a-uuid', { pinned: true }), 400);
      refused(await api.settings(alice, id, {}), 400, /at least one/);
      expectError(await api.settings(alice, id, { pinned: 'yes' }), 400);
      // null is no answer for a switch (found by the property tests: it reached the database as a 500).
      for (const field of ['pinned', 'archived', 'marked_unread']) expectError(await api.settings(alice, id, { archived: true, [field]: null }), 400);
      expectError(await api.settings(alice, id, { muted_until: 'tomorrow' }), 400);
      expectError(await api.settings(alice, id, { starred: true }), 400);
      expectError(await api.settings(alice, id, { pinned: true, archived: true }), 400);
      expect((await api.conversationOk(alice, id)).settings_version).toBe(0);
    });
  });

  describe('conversation_settings', () => {
    it('reaches the user’s other device, not the other participant, and does not move the change number', async () => {
      const [alice, bob] = await users(2);
      const id = await directOf(alice, bob);
      const [laptop, phone, bobs] = [await stream(alice.token), await stream(await secondDevice(alice)), await stream(bob.token)];
      const body = await settingsOk(alice, id, { archived: true });
      const { conversation_id, ...settings } = body;
      expect(await phone.next((f) => f.type === 'conversation_settings')).toEqual({ type: 'conversation_settings', conversation_id, settings });
      expect(await laptop.next((f) => f.type === 'conversation_settings')).toMatchObject({ conversation_id: id });
      await barrier(bobs, alice, id);
      expect(bobs.frames.filter((f) => f.type === 'conversation_settings')).toEqual([]);
      expect((await api.conversationOk(bob, id)).last_event_seq).toBe(1);
    });

    it('is announced when reading the chat clears "marked unread", and only then', async () => {
      const [alice, bob] = await users(2);
      const id = await directOf(alice, bob);
      await api.sendOk(bob, id, 'hello');
      await settingsOk(alice, id, { marked_unread: true });
      const phone = await stream(await secondDevice(alice));
      const from = phone.mark();
      bodyOf(await api.read(alice, id), 200);
      const cleared = await phone.nextSince(from, (f) => f.type === 'conversation_settings');
      expect(cleared.settings).toMatchObject({ marked_unread: false, settings_version: 2 });
      expect((await api.conversationOk(alice, id)).marked_unread).toBe(false);

      bodyOf(await api.read(alice, id), 200);
      await barrier(phone, bob, id);
      expect(phone.frames.filter((f) => f.type === 'conversation_settings')).toHaveLength(1);
    });

    it('leaves each member’s own settings in the conversation a group change announces', async () => {
      const [alice, bob, carol] = await users(3);
      const id = await api.groupOf(alice, [bob, carol]);
      await settingsOk(bob, id, { pinned: true, muted_until: MUTED_FOREVER });
      const [bobs, carols] = [await stream(bob.token), await stream(carol.token)];
      bodyOf(await api.rename(alice, id, 'Renamed'), 200);
      const forBob = await bobs.next((f) => f.type === 'conversation_updated');
      const forCarol = await carols.next((f) => f.type === 'conversation_updated');
      expect(forBob.conversation).toMatchObject({ name: 'Renamed', muted_until: MUTED_FOREVER, pinned_at: expect.any(String), settings_version: 1 });
      expect(forCarol.conversation).toMatchObject({ name: 'Renamed', muted_until: null, pinned_at: null, settings_version: 0 });
      const page = await api.eventsOk(bob, id);
      expect(page.events.find((e) => e.type === 'conversation_updated')?.conversation).toMatchObject({ muted_until: MUTED_FOREVER });
    });
  });

  describe('user_updated', () => {
    it('reaches who shares a conversation with the user and the user’s other devices, not a stranger', async () => {
      const [alice, bob, stranger] = await users(3);
      await directOf(alice, bob);
      const [bobs, strangers, phone] = [await stream(bob.token), await stream(stranger.token), await stream(await secondDevice(alice))];
      const me = bodyOf<Record<string, unknown>>(await api.updateMe(alice, { full_name: 'Alice Liddell', avatar_url: 'https://example.com/a.png' }), 200);
      const expected = {
        type: 'user_updated',
        user: { id: alice.id, username: alice.username, full_name: 'Alice Liddell', avatar_url: 'https://example.com/a.png' },
      };
      expect(me.full_name).toBe('Alice Liddell');
      expect(await bobs.next((f) => f.type === 'user_updated')).toEqual(expected);
      expect(await phone.next((f) => f.type === 'user_updated')).toEqual(expected);
      // The stranger's stream hears the next thing published for them, and nothing before it.
      const strangerChat = await directOf(bob, stranger);
      await barrier(strangers, bob, strangerChat);
      expect(strangers.frames.filter((f) => f.type === 'user_updated')).toEqual([]);
    });

    it('is not announced for a PATCH that changes nothing', async () => {
      const [alice, bob] = await users(2);
      const id = await directOf(alice, bob);
      const bobs = await stream(bob.token);
      bodyOf(await api.updateMe(alice, {}), 200);
      await barrier(bobs, alice, id);
      expect(bobs.frames.filter((f) => f.type === 'user_updated')).toEqual([]);
    });
  });
});
