import { randomUUID } from 'node:crypto';
import { startApp, type TestApp } from '../support/app';
import { bodyOf, type Caller, chatApi, type Conversation } from '../support/chat';
import { PUBLIC_USER_KEYS } from '../support/contract';
import { expectError } from '../support/errors';
import { registerUser, type TestUser } from '../support/users';
import { closedAfterEach, type Frame, WsClient } from '../support/ws';

/**
 * Blocking (API.md v2, "Accounts, sessions, blocking"): the endpoints, what a blocked user can
 * no longer do with the blocker, and the presence they stop seeing; and who sees anyone's
 * presence in GET /users/.
 */
describe('blocking', () => {
  const GRACE_MS = 200;
  let t: TestApp;
  const api = chatApi(() => t.http());
  const track = closedAfterEach();

  beforeAll(async () => {
    t = await startApp({ env: { PRESENCE_GRACE_MS: String(GRACE_MS) } });
  });
  afterAll(() => t.close());

  const users = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(t, 'b')));
  const stream = (user: TestUser) => track(WsClient.stream(t.baseUrl, user.token));
  const directOf = async (caller: Caller, other: Caller): Promise<string> => bodyOf<Conversation>(await api.createDirect(caller, other), 201).id;
  const messagesIn = async (conversationId: string): Promise<number> =>
    (await t.db.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1`, [conversationId])).rows[0].n;

  const isPresenceOf = (userId: string, status?: string) => (f: Frame) =>
    f.type === 'presence' && f.user_id === userId && (status === undefined || f.status === status);
  const isMessage = (messageId: string) => (f: Frame) => f.type === 'message' && f.message.id === messageId;

  /** How `viewer` sees `user` as a participant of each conversation they share. */
  async function asParticipant(viewer: Caller, user: Caller) {
    const list = await api.listOk(viewer);
    return list.flatMap((c) => c.participants.filter((p) => p.id === user.id).map((p) => ({ is_online: p.is_online, last_seen_at: p.last_seen_at })));
  }

  /**
   * Sends a message from `from` in `conversationId` and resolves once `observer` has it: every
   * event published for `observer` before it has reached them by then (one instance, one socket).
   */
  async function barrier(observer: WsClient, from: Caller, conversationId: string): Promise<Frame> {
    const message = await api.sendOk(from, conversationId, 'barrier');
    return observer.next(isMessage(message.id));
  }

  describe('POST and DELETE /users/{id}/block, GET /users/me/blocks', () => {
    it('blocks and unblocks (204, harmless to repeat); GET /users/me/blocks lists whom the caller blocked, by username', async () => {
      const [alice, bob, carol] = await users(3);
      for (const res of [await api.block(alice, bob.id), await api.block(alice, bob.id), await api.block(alice, carol.id)]) {
        expect(res.status).toBe(204);
        expect(res.text).toBe('');
      }
      const blocked = bodyOf<Array<Record<string, unknown>>>(await api.blocks(alice), 200);
      expect(blocked.map((u) => u.id)).toEqual([bob, carol].sort((x, y) => x.username.localeCompare(y.username)).map((u) => u.id));
      for (const u of blocked) expect(Object.keys(u).sort()).toEqual(PUBLIC_USER_KEYS);
      expect(JSON.stringify(blocked)).not.toContain('@example.test');
      const { rows } = await t.db.query(`SELECT blocked_id FROM blocks WHERE blocker_id = $1 ORDER BY blocked_id`, [alice.id]);
      expect(rows.map((r) => r.blocked_id)).toEqual([bob.id, carol.id].sort());
      // Blocking is private: the blocked user's own list says nothing.
      expect(bodyOf(await api.blocks(bob), 200)).toEqual([]);

      for (const res of [await api.unblock(alice, bob.id), await api.unblock(alice, bob.id)]) expect(res.status).toBe(204);
      expect(bodyOf<Array<{ id: string }>>(await api.blocks(alice), 200).map((u) => u.id)).toEqual([carol.id]);
    });

    it('answers 404 for no such user, 400 for yourself, a malformed id or a body, 401 without a token', async () => {
      const [alice, bob] = await users(2);
      expectError(await api.block(alice, randomUUID()), 404);
      expectError(await api.unblock(alice, randomUUID()), 404);
      expectError(await api.block(alice, alice.id), 400);
      expectError(await api.unblock(alice, alice.id), 400);
      expectError(await api.block(alice, 'not-a-uuid'), 400);
      expectError(await t.http().post(`/users/${bob.id}/block`).set('Authorization', alice.auth).send({ reason: 'spam' }), 400);
      expectError(await t.http().post(`/users/${bob.id}/block`), 401);
      expectError(await t.http().get('/users/me/blocks'), 401);
      expect(bodyOf(await api.blocks(alice), 200)).toEqual([]);
    });
  });

  describe('what a blocked user can no longer do', () => {
    it('cannot start a one-on-one with the blocker (403, saying nothing of the block) until unblocked', async () => {
      const [alice, bob] = await users(2);
      await api.blockOk(alice, bob);
      const res = await api.createDirect(bob, alice);
      expectError(res, 403);
      expect(JSON.stringify(res.body)).not.toMatch(/block/i);
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM conversations WHERE direct_key = $1`, [[alice.id, bob.id].sort().join(':')]);
      expect(rows[0].n).toBe(0);
      await api.unblockOk(alice, bob);
      expect((await api.createDirect(bob, alice)).status).toBe(201);
    });

    it('gets an existing one-on-one with the blocker back as it is (200)', async () => {
      const [alice, bob] = await users(2);
      const id = await directOf(alice, bob);
      await api.blockOk(alice, bob);
      const res = await api.createDirect(bob, alice);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(id);
    });

    it('cannot create a group with the blocker nor add them to one (403); nothing is created or changed', async () => {
      const [alice, bob, carol] = await users(3);
      await api.blockOk(alice, bob);
      expectError(await api.createGroup(bob, [alice, carol], 'With Alice'), 403);
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM conversations WHERE created_by = $1`, [bob.id]);
      expect(rows[0].n).toBe(0);
      const id = await api.groupOf(bob, [carol], 'Without Alice');
      expectError(await api.add(bob, id, [alice.id]), 403);
      expect(await api.conversationOk(bob, id)).toMatchObject({ last_event_seq: 0, participants: [expect.anything(), expect.anything()] });
      // Someone else may bring them together.
      await api.setRoleOk(bob, id, carol, 'admin');
      expect((await api.addOk(carol, id, [alice])).participants).toHaveLength(3);
    });

    it('has messages in their one-on-one refused both ways, over REST (403) and WS (forbidden), storing nothing; a shared group goes on', async () => {
      const [alice, bob, carol] = await users(3);
      const direct = await directOf(alice, bob);
      const group = await api.groupOf(carol, [alice, bob], 'Shared');
      await api.blockOk(alice, bob);

      expectError(await api.send(bob, direct, 'hello?'), 403);
      expectError(await api.send(alice, direct, 'and you?'), 403);
      const [aliceWs, bobWs] = await Promise.all([stream(alice), stream(bob)]);
      for (const [socket, cid] of [
        [bobWs, 'blocked-1'],
        [aliceWs, 'blocker-1'],
      ] as const) {
        socket.send({ type: 'message', conversation_id: direct, content: 'over the socket', client_id: cid });
        expect(await socket.next((f) => f.type === 'error' && f.client_id === cid)).toMatchObject({ code: 'forbidden' });
        expect(socket.isOpen).toBe(true);
      }
      expect(await messagesIn(direct)).toBe(0);
      // Blocking is about their one-on-one: in a group they share both still write.
      await api.sendOk(bob, group, 'hi all');
      await api.sendOk(alice, group, 'hi');

      await api.unblockOk(alice, bob);
      await api.sendOk(bob, direct, 'friends again?');
      bobWs.send({ type: 'message', conversation_id: direct, content: 'over the socket', client_id: 'blocked-2' });
      expect((await bobWs.next((f) => f.type === 'ack' && f.client_id === 'blocked-2')).message.content).toBe('over the socket');
      expect(await messagesIn(direct)).toBe(2);
    });
  });

  describe('presence', () => {
    it('sends the blocked user an offline event for the blocker at once; from then on they see no is_online nor last_seen_at', async () => {
      const [alice, bob, carol] = await users(3);
      const direct = await directOf(alice, bob);
      const group = await api.groupOf(carol, [alice, bob], 'Three');
      const [bobWs, carolWs] = await Promise.all([stream(bob), stream(carol)]);
      await stream(alice);
      await Promise.all([bobWs.next(isPresenceOf(alice.id, 'online')), carolWs.next(isPresenceOf(alice.id, 'online'))]);
      expect(await asParticipant(bob, alice)).toEqual([
        { is_online: true, last_seen_at: null },
        { is_online: true, last_seen_at: null },
      ]);
      expect(await api.publicUserOk(bob, alice)).toMatchObject({ is_online: true });

      await api.blockOk(alice, bob);
      const hidden = await bobWs.next(isPresenceOf(alice.id, 'offline'));
      expect(hidden).toEqual({ type: 'presence', user_id: alice.id, status: 'offline', last_seen_at: null });
      expect(await asParticipant(bob, alice)).toEqual([
        { is_online: false, last_seen_at: null },
        { is_online: false, last_seen_at: null },
      ]);
      expect(await api.publicUserOk(bob, alice)).toMatchObject({ is_online: false, last_seen_at: null });
      expect(await api.conversationOk(bob, direct)).toMatchObject({ participants: expect.arrayContaining([expect.objectContaining({ id: alice.id, is_online: false })]) });
      // Carol, whom Alice did not block, sees her as before and heard nothing.
      expect(await api.publicUserOk(carol, alice)).toMatchObject({ is_online: true });
      expect(carolWs.before(await barrier(carolWs, bob, group)).filter(isPresenceOf(alice.id)).map((f) => f.status)).toEqual(['online']);
    });

    it('sends the blocked user none of the blocker’s presence events afterwards, while others get them', async () => {
      const [alice, bob, carol] = await users(3);
      const group = await api.groupOf(carol, [alice, bob], 'Three');
      await api.blockOk(alice, bob);
      const [bobWs, carolWs] = await Promise.all([stream(bob), stream(carol)]);

      const aliceWs = await stream(alice);
      await carolWs.next(isPresenceOf(alice.id, 'online'));
      await aliceWs.close();
      const offline = await carolWs.next(isPresenceOf(alice.id, 'offline'), GRACE_MS + 5_000);
      expect(offline.last_seen_at).toEqual(expect.any(String));
      const mark = carolWs.mark();
      await stream(alice);
      await carolWs.nextSince(mark, isPresenceOf(alice.id, 'online'));

      expect(bobWs.before(await barrier(bobWs, carol, group)).filter(isPresenceOf(alice.id))).toEqual([]);
      // Over REST too: offline, never seen.
      expect(await asParticipant(bob, alice)).toEqual([{ is_online: false, last_seen_at: null }]);
      expect(await api.publicUserOk(bob, alice)).toMatchObject({ is_online: false, last_seen_at: null });
      expect(await api.publicUserOk(carol, alice)).toMatchObject({ is_online: true });
    });

    it('shows the blocker’s presence again once unblocked: an event at once, then is_online and last_seen_at over REST', async () => {
      const [alice, bob, carol] = await users(3);
      await directOf(alice, bob);
      const group = await api.groupOf(carol, [bob], 'Bob and Carol');
      await api.blockOk(alice, bob);
      const bobWs = await stream(bob);
      const aliceWs = await stream(alice);

      await api.unblockOk(alice, bob);
      expect(await bobWs.next(isPresenceOf(alice.id))).toEqual({ type: 'presence', user_id: alice.id, status: 'online', last_seen_at: null });
      expect(await asParticipant(bob, alice)).toEqual([{ is_online: true, last_seen_at: null }]);

      await aliceWs.close();
      const offline = await bobWs.next(isPresenceOf(alice.id, 'offline'), GRACE_MS + 5_000);
      expect(offline.last_seen_at).toEqual(expect.any(String));
      expect(await api.publicUserOk(bob, alice)).toMatchObject({ is_online: false, last_seen_at: offline.last_seen_at });

      // Blocked again while offline, and unblocked: the event tells when they were last seen.
      await api.blockOk(alice, bob);
      await api.unblockOk(alice, bob);
      const frames = bobWs.before(await barrier(bobWs, carol, group)).filter(isPresenceOf(alice.id));
      expect(frames.slice(-2)).toEqual([
        { type: 'presence', user_id: alice.id, status: 'offline', last_seen_at: null },
        { type: 'presence', user_id: alice.id, status: 'offline', last_seen_at: offline.last_seen_at },
      ]);
    });

    it('tells someone who shares no conversation with the blocker nothing when blocked', async () => {
      const [alice, dave, carol] = await users(3);
      const theirs = await directOf(carol, dave);
      const daveWs = await stream(dave);
      await stream(alice);
      await api.blockOk(alice, dave);
      await api.unblockOk(alice, dave);
      expect(daveWs.before(await barrier(daveWs, carol, theirs)).filter(isPresenceOf(alice.id))).toEqual([]);
    });

    it('hides the blocker’s presence from the blocked user in conversation_updated, and only from them', async () => {
      const [alice, bob, carol] = await users(3);
      const group = await api.groupOf(carol, [alice, bob], 'Before');
      const [bobWs, carolWs] = await Promise.all([stream(bob), stream(carol)]);
      await stream(alice);
      await Promise.all([bobWs.next(isPresenceOf(alice.id, 'online')), carolWs.next(isPresenceOf(alice.id, 'online'))]);
      await api.blockOk(alice, bob);
      await api.rename(carol, group, 'After');
      const isUpdate = (f: Frame) => f.type === 'conversation_updated' && f.conversation_id === group;
      const aliceAs = async (socket: WsClient) =>
        ((await socket.next(isUpdate)).conversation as Conversation).participants.find((p) => p.id === alice.id);
      expect(await aliceAs(bobWs)).toMatchObject({ is_online: false, last_seen_at: null });
      expect(await aliceAs(carolWs)).toMatchObject({ is_online: true });
    });
  });

  describe('GET /users/', () => {
    it('shows is_online and last_seen_at only to people who share a conversation with the user', async () => {
      const [alice, contact, stranger] = await users(3);
      await directOf(alice, contact);
      const contactWs = await stream(contact);
      const aliceWs = await stream(alice);
      await contactWs.next(isPresenceOf(alice.id, 'online'));
      expect(await api.publicUserOk(contact, alice)).toMatchObject({ is_online: true, last_seen_at: null });
      expect(await api.publicUserOk(stranger, alice)).toMatchObject({ is_online: false, last_seen_at: null });

      await aliceWs.close();
      const offline = await contactWs.next(isPresenceOf(alice.id, 'offline'), GRACE_MS + 5_000);
      expect(await api.publicUserOk(contact, alice)).toMatchObject({ is_online: false, last_seen_at: offline.last_seen_at });
      expect(await api.publicUserOk(stranger, alice)).toMatchObject({ is_online: false, last_seen_at: null });

      // Once they share a conversation, the stranger sees it too.
      await directOf(stranger, alice);
      expect(await api.publicUserOk(stranger, alice)).toMatchObject({ is_online: false, last_seen_at: offline.last_seen_at });
    });
  });
});
