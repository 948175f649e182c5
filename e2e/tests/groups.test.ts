import { randomUUID } from 'node:crypto';
import { startApp, type TestApp } from '../support/app';
import { bodyOf, type Caller, chatApi, type Conversation, type Message, notice, rolesOf } from '../support/chat';
import { MESSAGE_KEYS, PARTICIPANT_KEYS } from '../support/contract';
import { expectError } from '../support/errors';
import { insertUsers, registerUser, type TestUser } from '../support/users';
import { closedAfterEach, type Frame, WsClient } from '../support/ws';

/**
 * Groups that change (API.md v2): rename, add, remove, roles and leave over REST; each change
 * a system message and a conversation_updated; what a member added later sees; what a member
 * removed stops receiving; membership under concurrent changes.
 */
describe('groups that change', () => {
  let t: TestApp;
  const api = chatApi(() => t.http());
  const track = closedAfterEach();

  beforeAll(async () => {
    // The frame limit is raised so that the races below are not throttled (the limit is websocket.test's).
    t = await startApp({ env: { WS_FRAMES_PER_SECOND: '10000', WS_FRAME_BURST: '1000' } });
  });
  afterAll(() => t.close());

  const users = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(t, 'g')));
  const ids = (list: Array<{ id: string }>) => list.map((x) => x.id);
  const stream = (user: TestUser) => track(WsClient.stream(t.baseUrl, user.token));
  const seedSocket = (id: string, user: TestUser) => track(WsClient.conversation(t.baseUrl, id, user.token));

  /** A group of `owner` with `admins` (promoted by the owner) and `members`. */
  async function groupWith(owner: Caller, { admins = [], members = [] }: { admins?: Caller[]; members?: Caller[] }, name = 'Group') {
    const id = await api.groupOf(owner, [...admins, ...members], name);
    for (const admin of admins) await api.setRoleOk(owner, id, admin, 'admin');
    return id;
  }
  /** The newest message of the conversation as `viewer` sees it. */
  const newest = async (viewer: Caller, id: string): Promise<Message> => (await api.messagesOk(viewer, id, { limit: 1 }))[0];
  const lastEventSeq = async (viewer: Caller, id: string) => (await api.conversationOk(viewer, id)).last_event_seq;
  /** Two users sorted by id: a test that needs "the first" not to be the smaller id takes them in this order. */
  const byId = <T extends { id: string }>(list: T[]) => [...list].sort((x, y) => x.id.localeCompare(y.id));

  // Frame matchers.
  const isNotice = (id: string, action: string) => (f: Frame) =>
    f.type === 'message' && f.message.conversation_id === id && f.message.system?.action === action;
  const isUpdateOf = (id: string) => (f: Frame) => f.type === 'conversation_updated' && f.conversation_id === id;
  const isMessage = (messageId: string) => (f: Frame) => (f.type === 'message' || f.type === 'ack') && f.message.id === messageId;
  /** Any frame about the conversation: its messages and changes, typing, receipts, its updates and removal. */
  const isAbout = (id: string) => (f: Frame) => f.conversation_id === id || f.message?.conversation_id === id || f.conversation?.id === id;
  /** One of the conversation's numbered changes (not typing nor receipts, which come when they come). */
  const isChangeOf = (id: string) => (f: Frame) => f.event_seq !== undefined && isAbout(id)(f);
  /** The same conversation, whatever the status of its last message (receipts move it on their own time). */
  const sameAs = (conversation: Conversation) => ({
    ...conversation,
    last_message: conversation.last_message && { ...conversation.last_message, status: expect.any(String) },
  });

  describe('PATCH /conversations/{id} (rename)', () => {
    it('renames the group for everyone (200, trimmed) with a renamed system message as its newest message', async () => {
      const [owner, member] = await users(2);
      const id = await api.groupOf(owner, [member], 'Before');
      const res = await api.rename(owner, id, '  After  ');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id, name: 'After', is_group_chat: true, last_event_seq: 2 });
      expect((await api.conversationOk(member, id)).name).toBe('After');
      const renamed = await newest(member, id);
      expect(Object.keys(renamed).sort()).toEqual(MESSAGE_KEYS);
      expect(renamed).toMatchObject({
        conversation_id: id,
        seq: 1,
        kind: 'system',
        sender_id: owner.id,
        content: '',
        client_id: null,
        reply_to: null,
        reactions: [],
        system: notice('renamed', owner.id, [], 'After'),
      });
      expect(res.body.last_message.id).toBe(renamed.id);
    });

    it('lets an admin rename, and accepts a name of exactly 100 characters', async () => {
      const [owner, admin] = await users(2);
      const id = await groupWith(owner, { admins: [admin] });
      const name = 'n'.repeat(100);
      expect((await api.rename(admin, id, name)).body.name).toBe(name);
      expect((await newest(owner, id)).system).toEqual(notice('renamed', admin.id, [], name));
    });

    it('changes nothing for the same name again: no system message, the same last_event_seq', async () => {
      const [owner, member] = await users(2);
      const id = await api.groupOf(owner, [member], 'Same');
      const res = await api.rename(owner, id, 'Same');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'Same', last_event_seq: 0, last_message: null });
    });

    it.each([
      ['an empty name', ''],
      ['spaces only', '   '],
      ['101 characters', 'x'.repeat(101)],
      ['a control character', 'tab\there'],
      ['a number', 42],
      ['null', null],
    ])('refuses %s with 400 and keeps the name', async (_, name) => {
      const [owner, member] = await users(2);
      const id = await api.groupOf(owner, [member], 'Kept');
      expectError(await api.rename(owner, id, name), 400);
      expect(await api.conversationOk(member, id)).toMatchObject({ name: 'Kept', last_event_seq: 0 });
    });

    it('refuses a missing name and unknown fields with 400', async () => {
      const [owner, member] = await users(2);
      const id = await api.groupOf(owner, [member]);
      expectError(await t.http().patch(`/conversations/${id}`).set('Authorization', owner.auth).send({}), 400);
      expectError(await t.http().patch(`/conversations/${id}`).set('Authorization', owner.auth).send({ name: 'x', is_group_chat: false }), 400);
    });

    it('refuses a one-on-one with 400: it has no name', async () => {
      const [alice, bob] = await users(2);
      const id = (await api.createDirect(alice, bob)).body.id;
      expectError(await api.rename(alice, id, 'Us'), 400);
      expect((await api.conversationOk(bob, id)).name).toBeNull();
    });

    it('refuses a member and an outsider with 403, and answers 404 for no such conversation, 400 for a malformed id', async () => {
      const [owner, member, outsider] = await users(3);
      const id = await api.groupOf(owner, [member], 'Kept');
      expectError(await api.rename(member, id, 'Mine'), 403);
      expectError(await api.rename(outsider, id, 'Mine'), 403);
      expectError(await api.rename(owner, randomUUID(), 'Mine'), 404);
      expectError(await api.rename(owner, 'not-a-uuid', 'Mine'), 400);
      expect(await api.conversationOk(owner, id)).toMatchObject({ name: 'Kept', last_event_seq: 0 });
    });
  });

  describe('POST /conversations/{id}/participants (add)', () => {
    it('adds the users as members (200) with one member_added system message naming them', async () => {
      const [owner, member, carol, dave] = await users(4);
      const id = await api.groupOf(owner, [member]);
      const res = await api.add(owner, id, [carol.id, dave.id]);
      expect(res.status).toBe(200);
      expect(res.body.last_event_seq).toBe(2);
      expect(rolesOf(res.body)).toEqual({ [owner.id]: 'owner', [member.id]: 'member', [carol.id]: 'member', [dave.id]: 'member' });
      expect(await newest(owner, id)).toMatchObject({ seq: 1, kind: 'system', sender_id: owner.id, system: notice('member_added', owner.id, [carol.id, dave.id]) });
      // They are in: the conversation, its history from their notice on, and their list.
      for (const added of [carol, dave]) {
        expect((await api.conversationOk(added, id)).participants).toHaveLength(4);
        expect(ids(await api.listOk(added))).toContain(id);
      }
    });

    it('accepts participant_ids in place of user_ids; refuses both at once, neither, or an empty list with 400', async () => {
      const [owner, member, carol, dave] = await users(4);
      const id = await api.groupOf(owner, [member]);
      expect(rolesOf(bodyOf<Conversation>(await api.add(owner, id, [carol.id], 'participant_ids'), 200))[carol.id]).toBe('member');
      const post = (body: object) => t.http().post(`/conversations/${id}/participants`).set('Authorization', owner.auth).send(body);
      expectError(await post({ user_ids: [dave.id], participant_ids: [dave.id] }), 400);
      expectError(await post({}), 400);
      expectError(await post({ user_ids: [] }), 400);
      expectError(await post({ user_ids: [dave.id], role: 'admin' }), 400);
      expect(await lastEventSeq(owner, id)).toBe(2);
    });

    it('ignores users already in the group, and writes nothing at all when nobody is new', async () => {
      const [owner, member, carol] = await users(3);
      const id = await api.groupOf(owner, [member]);
      await api.add(owner, id, [member.id, carol.id, carol.id.toUpperCase(), owner.id]);
      expect((await newest(owner, id)).system).toEqual(notice('member_added', owner.id, [carol.id]));
      const again = await api.add(owner, id, [member.id, carol.id]);
      expect(again.status).toBe(200);
      expect(again.body.last_event_seq).toBe(2);
      expect(again.body.participants).toHaveLength(3);
      expect(await api.messagesOk(owner, id)).toHaveLength(1);
    });

    it('lets an admin add, and refuses a member and an outsider with 403, adding nobody', async () => {
      const [owner, admin, member, outsider, carol, dave] = await users(6);
      const id = await groupWith(owner, { admins: [admin], members: [member] });
      expect((await api.addOk(admin, id, [carol])).participants).toHaveLength(4);
      expectError(await api.add(member, id, [dave.id]), 403);
      expectError(await api.add(outsider, id, [dave.id]), 403);
      expectError(await api.get(dave, id), 403);
    });

    it('refuses a one-on-one, an unknown user and a malformed id with 400, adding nobody', async () => {
      const [alice, bob, carol] = await users(3);
      const direct = (await api.createDirect(alice, bob)).body.id;
      expectError(await api.add(alice, direct, [carol.id]), 400);
      expect((await api.conversationOk(alice, direct)).participants).toHaveLength(2);

      const id = await api.groupOf(alice, [bob]);
      const unknown = randomUUID();
      const res = await api.add(alice, id, [carol.id, unknown]);
      expectError(res, 400);
      expect(JSON.stringify(res.body.message)).toContain(unknown);
      expectError(await api.add(alice, id, ['not-a-uuid']), 400);
      expect(await api.conversationOk(alice, id)).toMatchObject({ last_event_seq: 0, participants: [expect.anything(), expect.anything()] });
    });

    it('takes a group to exactly 256 members and refuses to go over with 400', async () => {
      const [owner, member] = await users(2);
      const id = await api.groupOf(owner, [member]);
      const crowd = await insertUsers(t, 255);
      const over = await api.add(owner, id, crowd);
      expectError(over, 400);
      expect(JSON.stringify(over.body.message)).toContain('256');
      expect(bodyOf<Conversation>(await api.add(owner, id, crowd.slice(0, 254)), 200).participants).toHaveLength(256);
      expectError(await api.add(owner, id, crowd.slice(254)), 400);
      expectError(await api.add(owner, id, Array.from({ length: 257 }, () => randomUUID())), 400);
      expect((await api.conversationOk(owner, id)).participants).toHaveLength(256);
    });

    it('refuses with 403 when a named user has blocked the caller, adding none of those named', async () => {
      const [owner, member, blocker, carol] = await users(4);
      const id = await api.groupOf(owner, [member]);
      await api.blockOk(blocker, owner);
      const res = await api.add(owner, id, [carol.id, blocker.id]);
      expectError(res, 403);
      expect(JSON.stringify(res.body)).not.toMatch(/block/i);
      expect(await api.conversationOk(owner, id)).toMatchObject({ last_event_seq: 0, participants: [expect.anything(), expect.anything()] });
      // The blocker may still be added by someone they did not block.
      await api.setRoleOk(owner, id, member, 'admin');
      expect(rolesOf(await api.addOk(member, id, [blocker]))[blocker.id]).toBe('member');
    });

    it('answers 404 for a conversation that does not exist', async () => {
      const [owner, carol] = await users(2);
      expectError(await api.add(owner, randomUUID(), [carol.id]), 404);
    });
  });

  describe('DELETE /conversations/{id}/participants/{user_id} (remove)', () => {
    it('lets an admin remove a member (200) with a member_removed system message; the member is out at once', async () => {
      const [owner, admin, member] = await users(3);
      const id = await groupWith(owner, { admins: [admin], members: [member] });
      const before = await lastEventSeq(owner, id);
      const res = await api.remove(admin, id, member.id);
      expect(res.status).toBe(200);
      expect(res.body.last_event_seq).toBe(before + 2);
      expect(rolesOf(res.body)).toEqual({ [owner.id]: 'owner', [admin.id]: 'admin' });
      expect((await newest(owner, id)).system).toEqual(notice('member_removed', admin.id, [member.id]));
      expectError(await api.get(member, id), 403);
      expect(ids(await api.listOk(member))).not.toContain(id);
    });

    it('lets only the owner remove an admin, and nobody remove the owner (403)', async () => {
      const [owner, admin, other] = await users(3);
      const id = await groupWith(owner, { admins: [admin, other] });
      expectError(await api.remove(admin, id, other.id), 403);
      expectError(await api.remove(admin, id, owner.id), 403);
      expect((await api.removeOk(owner, id, other)).participants).toHaveLength(2);
      expect((await newest(admin, id)).system).toEqual(notice('member_removed', owner.id, [other.id]));
    });

    it('refuses a one-on-one and removing yourself with 400 (leaving is POST …/leave)', async () => {
      const [alice, bob] = await users(2);
      const direct = (await api.createDirect(alice, bob)).body.id;
      expectError(await api.remove(alice, direct, bob.id), 400);
      const id = await api.groupOf(alice, [bob]);
      expectError(await api.remove(alice, id, alice.id), 400);
      expectError(await api.remove(bob, id, bob.id), 400);
      expect(await lastEventSeq(alice, id)).toBe(0);
    });

    it('answers 404 for a user who is not a member and for a conversation that does not exist; 400 for a malformed id', async () => {
      const [owner, member, stranger] = await users(3);
      const id = await api.groupOf(owner, [member]);
      expectError(await api.remove(owner, id, stranger.id), 404);
      expectError(await api.remove(owner, id, randomUUID()), 404);
      expectError(await api.remove(owner, randomUUID(), member.id), 404);
      expectError(await api.remove(owner, id, 'nope'), 400);
    });

    it('refuses a member and an outsider with 403', async () => {
      const [owner, member, other, outsider] = await users(4);
      const id = await api.groupOf(owner, [member, other]);
      expectError(await api.remove(member, id, other.id), 403);
      expectError(await api.remove(outsider, id, other.id), 403);
      expect((await api.conversationOk(owner, id)).participants).toHaveLength(3);
    });
  });

  describe('PATCH /conversations/{id}/participants/{user_id} (role)', () => {
    it('lets the owner make a member an admin and back (200), each a role_changed system message', async () => {
      const [owner, member] = await users(2);
      const id = await api.groupOf(owner, [member]);
      const promoted = await api.setRole(owner, id, member.id, 'admin');
      expect(promoted.status).toBe(200);
      expect(rolesOf(promoted.body)[member.id]).toBe('admin');
      expect(promoted.body.last_event_seq).toBe(2);
      expect((await newest(member, id)).system).toEqual(notice('role_changed', owner.id, [member.id], null, 'admin'));
      const demoted = await api.setRoleOk(owner, id, member, 'member');
      expect(rolesOf(demoted)[member.id]).toBe('member');
      expect(demoted.last_event_seq).toBe(4);
      expect((await newest(member, id)).system).toEqual(notice('role_changed', owner.id, [member.id], null, 'member'));
    });

    it('changes nothing when the member already has that role', async () => {
      const [owner, member] = await users(2);
      const id = await api.groupOf(owner, [member]);
      expect((await api.setRoleOk(owner, id, member, 'member')).last_event_seq).toBe(0);
    });

    it.each([
      ['owner', 'owner'],
      ['superuser', 'superuser'],
      ['a number', 1],
      ['nothing', undefined],
    ])('refuses the role %s with 400', async (_, role) => {
      const [owner, member] = await users(2);
      const id = await api.groupOf(owner, [member]);
      expectError(await api.setRole(owner, id, member.id, role), 400);
      expect(rolesOf(await api.conversationOk(owner, id))[member.id]).toBe('member');
    });

    it('refuses a change to the owner’s own role with 400 (the owner hands it on by leaving), and a one-on-one with 400', async () => {
      const [owner, member] = await users(2);
      const id = await api.groupOf(owner, [member]);
      expectError(await api.setRole(owner, id, owner.id, 'member'), 400);
      expect(rolesOf(await api.conversationOk(owner, id))[owner.id]).toBe('owner');
      const direct = (await api.createDirect(owner, member)).body.id;
      expectError(await api.setRole(owner, direct, member.id, 'admin'), 400);
    });

    it('refuses anyone but the owner with 403', async () => {
      const [owner, admin, member, outsider] = await users(4);
      const id = await groupWith(owner, { admins: [admin], members: [member] });
      expectError(await api.setRole(admin, id, member.id, 'admin'), 403);
      expectError(await api.setRole(member, id, member.id, 'admin'), 403);
      expectError(await api.setRole(outsider, id, member.id, 'admin'), 403);
      expect(rolesOf(await api.conversationOk(owner, id))[member.id]).toBe('member');
    });

    it('answers 404 for a user who is not a member and for a conversation that does not exist', async () => {
      const [owner, member, stranger] = await users(3);
      const id = await api.groupOf(owner, [member]);
      expectError(await api.setRole(owner, id, stranger.id, 'admin'), 404);
      expectError(await api.setRole(owner, randomUUID(), member.id, 'admin'), 404);
    });
  });

  describe('POST /conversations/{id}/leave', () => {
    it('lets a member leave (204) with a member_left system message; the group leaves their list', async () => {
      const [owner, member, other] = await users(3);
      const id = await api.groupOf(owner, [member, other]);
      const res = await api.leave(member, id);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect((await newest(owner, id)).system).toEqual(notice('member_left', member.id, [member.id]));
      expect(await api.conversationOk(other, id)).toMatchObject({ last_event_seq: 2, participants: [expect.anything(), expect.anything()] });
      expect(ids(await api.listOk(member))).not.toContain(id);
      expectError(await api.get(member, id), 403);
      expectError(await api.leave(member, id), 403);
    });

    it('hands the owner’s role to the longest-standing admin, not the longest-standing member', async () => {
      const [owner, founder] = await users(2);
      // Of the two admins, the one who joined first has the larger id: ordering by id would pick the other.
      const [laterAdmin, earlierAdmin] = byId(await users(2));
      const id = await api.groupOf(owner, [founder]);
      await api.addOk(owner, id, [earlierAdmin]);
      await api.addOk(owner, id, [laterAdmin]);
      // Promoted in the other order: what counts is when they joined.
      await api.setRoleOk(owner, id, laterAdmin, 'admin');
      await api.setRoleOk(owner, id, earlierAdmin, 'admin');
      await api.leaveOk(owner, id);
      expect(rolesOf(await api.conversationOk(founder, id))).toEqual({
        [founder.id]: 'member',
        [earlierAdmin.id]: 'owner',
        [laterAdmin.id]: 'admin',
      });
      expect((await newest(founder, id)).system).toEqual(notice('member_left', owner.id, [owner.id]));
    });

    it('hands it to the longest-standing member when there is no admin', async () => {
      const owner = (await users(1))[0];
      const [later, founder] = byId(await users(2));
      const id = await api.groupOf(owner, [founder]);
      await api.addOk(owner, id, [later]);
      await api.leaveOk(owner, id);
      expect(rolesOf(await api.conversationOk(later, id))).toEqual({ [founder.id]: 'owner', [later.id]: 'member' });
      // The new owner manages the group.
      expect((await api.rename(founder, id, 'Mine now')).status).toBe(200);
    });

    it('hands it to the member whose member_added came first when two were added at the same moment', async () => {
      const [owner, founder, x, y] = await users(4);
      for (let round = 0; round < 10; round++) {
        const id = await api.groupOf(owner, [founder]);
        await Promise.all([api.addOk(owner, id, [x]), api.addOk(owner, id, [y])]);
        await api.leaveOk(founder, id);
        const first = (await api.messagesOk(owner, id)).find((m) => m.system?.action === 'member_added')!.system!.user_ids[0];
        await api.leaveOk(owner, id);
        const roles = rolesOf(await api.conversationOk(x, id));
        expect({ round, roles }).toEqual({ round, roles: { [first]: 'owner', [first === x.id ? y.id : x.id]: 'member' } });
      }
    });

    it('leaves an empty group that nobody sees once the last member is out: 404 for everyone afterwards', async () => {
      const [owner, member, outsider] = await users(3);
      const id = await api.groupOf(owner, [member]);
      const message = await api.sendOk(member, id, 'bye');
      await api.leaveOk(member, id);
      await api.leaveOk(owner, id);
      for (const who of [owner, member, outsider]) {
        expectError(await api.get(who, id), 404);
        expectError(await api.messages(who, id), 404);
        expectError(await api.events(who, id), 404);
        expectError(await api.send(who, id, 'anyone?'), 404);
        expectError(await api.read(who, id), 404);
        expectError(await api.react(who, id, message.id, '👋'), 404);
        expectError(await api.leave(who, id), 404);
        expectError(await api.rename(who, id, 'Ghost town'), 404);
        expectError(await api.add(who, id, [who.id]), 404);
        expect(ids(await api.listOk(who))).not.toContain(id);
      }
      const closed = await (await track(WsClient.open(`${t.baseUrl.replace(/^http/, 'ws')}/ws/${id}/${owner.token}`))).closed;
      expect(closed.code).toBe(4404);
    });

    it('refuses a one-on-one with 400, a body with 400, an outsider with 403, and answers 404 for no such conversation', async () => {
      const [alice, bob, outsider] = await users(3);
      const direct = (await api.createDirect(alice, bob)).body.id;
      expectError(await api.leave(alice, direct), 400);
      expect((await api.conversationOk(alice, direct)).participants).toHaveLength(2);
      const id = await api.groupOf(alice, [bob]);
      expectError(await t.http().post(`/conversations/${id}/leave`).set('Authorization', bob.auth).send({ quietly: true }), 400);
      expectError(await api.leave(outsider, id), 403);
      expectError(await api.leave(bob, randomUUID()), 404);
      expect(await lastEventSeq(alice, id)).toBe(0);
    });
  });

  describe('the role rules', () => {
    type Actor = 'owner' | 'admin' | 'member' | 'outsider';
    type Target = 'owner' | 'an admin' | 'a member' | 'themselves';
    type Action = 'remove' | 'make admin' | 'make member';
    const ok = (action: string) => [200, action] as const;
    const unchanged = [200, null] as const;
    const refused = (status: number) => [status, null] as const;
    /** Who may do what to whom: the status and the system message it writes (null: none). */
    const RULES: Array<[Actor, Action, Target, readonly [number, string | null]]> = [
      ['owner', 'remove', 'an admin', ok('member_removed')],
      ['owner', 'remove', 'a member', ok('member_removed')],
      ['owner', 'remove', 'themselves', refused(400)],
      ['owner', 'make admin', 'a member', ok('role_changed')],
      ['owner', 'make admin', 'an admin', unchanged],
      ['owner', 'make admin', 'themselves', refused(400)],
      ['owner', 'make member', 'an admin', ok('role_changed')],
      ['owner', 'make member', 'a member', unchanged],
      ['owner', 'make member', 'themselves', refused(400)],
      ['admin', 'remove', 'owner', refused(403)],
      ['admin', 'remove', 'an admin', refused(403)],
      ['admin', 'remove', 'a member', ok('member_removed')],
      ['admin', 'remove', 'themselves', refused(400)],
      ['admin', 'make admin', 'a member', refused(403)],
      ['admin', 'make member', 'an admin', refused(403)],
      ['admin', 'make member', 'owner', refused(403)],
      ['admin', 'make member', 'themselves', refused(403)],
      ['member', 'remove', 'owner', refused(403)],
      ['member', 'remove', 'an admin', refused(403)],
      ['member', 'remove', 'a member', refused(403)],
      ['member', 'remove', 'themselves', refused(400)],
      ['member', 'make admin', 'a member', refused(403)],
      ['member', 'make admin', 'themselves', refused(403)],
      ['member', 'make member', 'an admin', refused(403)],
      ['outsider', 'remove', 'a member', refused(403)],
      ['outsider', 'remove', 'owner', refused(403)],
      ['outsider', 'make admin', 'a member', refused(403)],
      ['outsider', 'make member', 'an admin', refused(403)],
    ];
    const MANAGING: Array<[Actor, readonly [number, string | null]]> = [
      ['owner', ok('renamed')],
      ['admin', ok('renamed')],
      ['member', refused(403)],
      ['outsider', refused(403)],
    ];

    let cast: Record<'owner' | 'admin' | 'admin2' | 'member' | 'member2' | 'outsider' | 'newcomer', TestUser>;
    beforeAll(async () => {
      const [owner, admin, admin2, member, member2, outsider, newcomer] = await users(7);
      cast = { owner, admin, admin2, member, member2, outsider, newcomer };
    });

    /** A fresh group: the owner, two admins, two members. */
    const freshGroup = () => groupWith(cast.owner, { admins: [cast.admin, cast.admin2], members: [cast.member, cast.member2] });

    /** Checks the outcome: the status, and the one system message written (or that nothing changed at all). */
    async function expectOutcome(id: string, before: Conversation, res: { status: number }, [status, action]: readonly [number, string | null]) {
      expect(res.status).toBe(status);
      const after = await api.conversationOk(cast.owner, id);
      if (!action) {
        expect(after.last_event_seq).toBe(before.last_event_seq);
        expect(rolesOf(after)).toEqual(rolesOf(before));
        expect(after.name).toBe(before.name);
        return;
      }
      expect(after.last_event_seq).toBe(before.last_event_seq + 2);
      expect((await newest(cast.owner, id)).system?.action).toBe(action);
    }

    it.each(RULES)('%s: %s %s → %j', async (actor, action, target, expected) => {
      const id = await freshGroup();
      const before = await api.conversationOk(cast.owner, id);
      const targetUser =
        target === 'owner'
          ? cast.owner
          : target === 'themselves'
            ? cast[actor]
            : target === 'an admin'
              ? actor === 'admin'
                ? cast.admin2
                : cast.admin
              : actor === 'member'
                ? cast.member2
                : cast.member;
      const res =
        action === 'remove'
          ? await api.remove(cast[actor], id, targetUser.id)
          : await api.setRole(cast[actor], id, targetUser.id, action === 'make admin' ? 'admin' : 'member');
      await expectOutcome(id, before, res, expected);
    });

    it.each(MANAGING)('%s: rename → %j', async (actor, expected) => {
      const id = await freshGroup();
      const before = await api.conversationOk(cast.owner, id);
      await expectOutcome(id, before, await api.rename(cast[actor], id, `Renamed by the ${actor}`), expected);
    });

    it.each(MANAGING.map(([actor, [status]]) => [actor, [status, status === 200 ? 'member_added' : null] as const] as const))(
      '%s: add someone → %j',
      async (actor, expected) => {
        const id = await freshGroup();
        const before = await api.conversationOk(cast.owner, id);
        await expectOutcome(id, before, await api.add(cast[actor], id, [cast.newcomer.id]), expected);
      },
    );
  });

  describe('each change', () => {
    it('is a kind:"system" message in history, then a conversation_updated: last_event_seq grows by 2', async () => {
      const [owner, admin, member, newcomer] = await users(4);
      const id = await api.groupOf(owner, [admin, member], 'Plans');
      await api.sendOk(member, id, 'hello');
      await api.setRoleOk(owner, id, admin, 'admin');
      await api.rename(admin, id, 'Trip');
      await api.addOk(admin, id, [newcomer]);
      await api.removeOk(admin, id, member);
      await api.leaveOk(newcomer, id);

      const history = await api.messagesOk(owner, id);
      expect(history.map((m) => [m.seq, m.kind, m.sender_id, m.content, m.system])).toEqual([
        [1, 'user', member.id, 'hello', null],
        [2, 'system', owner.id, '', notice('role_changed', owner.id, [admin.id], null, 'admin')],
        [3, 'system', admin.id, '', notice('renamed', admin.id, [], 'Trip')],
        [4, 'system', admin.id, '', notice('member_added', admin.id, [newcomer.id])],
        [5, 'system', admin.id, '', notice('member_removed', admin.id, [member.id])],
        [6, 'system', newcomer.id, '', notice('member_left', newcomer.id, [newcomer.id])],
      ]);
      for (const m of history) expect(Object.keys(m).sort()).toEqual(MESSAGE_KEYS);

      const feed = await api.eventsOk(owner, id);
      expect(feed.last_event_seq).toBe(11);
      expect(feed.events.map((e) => [e.event_seq, e.type, e.message?.seq ?? null])).toEqual([
        [1, 'message', 1],
        [2, 'message', 2],
        [3, 'conversation_updated', null],
        [4, 'message', 3],
        [5, 'conversation_updated', null],
        [6, 'message', 4],
        [7, 'conversation_updated', null],
        [8, 'message', 5],
        [9, 'conversation_updated', null],
        [10, 'message', 6],
        [11, 'conversation_updated', null],
      ]);
      const now = await api.conversationOk(owner, id);
      for (const update of feed.events.filter((e) => e.type === 'conversation_updated')) {
        expect(update).toEqual({ type: 'conversation_updated', conversation_id: id, event_seq: update.event_seq, conversation: now });
      }
      expect(now).toMatchObject({ name: 'Trip', last_event_seq: 11, unread_count: 1, last_message: { seq: 6, kind: 'system' } });
      expect(rolesOf(now)).toEqual({ [owner.id]: 'owner', [admin.id]: 'admin' });
      for (const p of now.participants) expect(Object.keys(p).sort()).toEqual(PARTICIPANT_KEYS);
    });

    it('shows both people of a one-on-one as members', async () => {
      const [alice, bob] = await users(2);
      const direct = (await api.createDirect(alice, bob)).body;
      expect(rolesOf(direct)).toEqual({ [alice.id]: 'member', [bob.id]: 'member' });
    });

    it('reaches every member’s /ws and conversation socket as conversation_updated, each with their own unread_count', async () => {
      const [owner, reader, behind] = await users(3);
      const id = await api.groupOf(owner, [reader, behind], 'Before');
      await api.sendOk(owner, id, 'one');
      await api.sendOk(owner, id, 'two');
      await api.sendOk(reader, id, 'three');
      await api.read(reader, id);
      const [ownerWs, readerWs, behindWs, behindSeed] = await Promise.all([stream(owner), stream(reader), stream(behind), seedSocket(id, behind)]);

      await api.setRoleOk(owner, id, reader, 'admin');
      await api.rename(reader, id, 'After');

      const unread = new Map([
        [ownerWs, 1],
        [readerWs, 0],
        [behindWs, 3],
        [behindSeed, 3],
      ]);
      const shared = await api.conversationOk(owner, id);
      for (const [socket, count] of unread) {
        const [promoted, renamed] = await socket.collect(isUpdateOf(id), 2);
        expect(promoted).toMatchObject({ event_seq: 5, conversation: { name: 'Before', unread_count: count } });
        expect(rolesOf(promoted.conversation as Conversation)).toEqual({ [owner.id]: 'owner', [reader.id]: 'admin', [behind.id]: 'member' });
        expect(renamed).toEqual({
          type: 'conversation_updated',
          conversation_id: id,
          event_seq: 7,
          conversation: { ...sameAs(shared), unread_count: count, has_unread: count > 0 },
        });
      }
    });
  });

  describe('a member added later', () => {
    /** A group with three messages before `late` is added by the owner, and two after. */
    async function joinedLate() {
      const [owner, early, late] = await users(3);
      const id = await api.groupOf(owner, [early], 'Book club');
      const before = [await api.sendOk(owner, id, 'old 1'), await api.sendOk(early, id, 'old 2'), await api.sendOk(owner, id, 'old 3')];
      await api.addOk(owner, id, [late]);
      const added = await newest(owner, id);
      const after = [await api.sendOk(owner, id, 'new 1'), await api.sendOk(early, id, 'new 2')];
      return { owner, early, late, id, before, added, after };
    }

    it('sees history from their member_added on, with and without cursors', async () => {
      const { early, late, id, before, added, after } = await joinedLate();
      expect(added.system).toMatchObject({ action: 'member_added', user_ids: [late.id] });
      expect(ids(await api.messagesOk(late, id))).toEqual([added.id, ...ids(after)]);
      expect(ids(await api.messagesOk(late, id, { limit: 2 }))).toEqual(ids(after));
      expect(ids(await api.messagesOk(late, id, { before: after[0].id }))).toEqual([added.id]);
      expect(ids(await api.messagesOk(late, id, { before: added.id }))).toEqual([]);
      expect(ids(await api.messagesOk(late, id, { after: added.id }))).toEqual(ids(after));
      // A cursor from before they joined shows nothing from before they joined either.
      expect(ids(await api.messagesOk(late, id, { before: before[2].id }))).toEqual([]);
      expect(ids(await api.messagesOk(late, id, { after: before[0].id }))).toEqual([added.id, ...ids(after)]);
      // The others still see everything.
      expect(ids(await api.messagesOk(early, id))).toEqual([...ids(before), added.id, ...ids(after)]);
    });

    it('catches up on GET …/events from their member_added on, without the changes made to older messages', async () => {
      const { owner, early, late, id, before, added, after } = await joinedLate();
      await api.edit(owner, id, before[0].id, 'old 1, edited');
      await api.react(early, id, before[2].id, '👍');
      await api.deleteMessage(early, id, before[1].id);
      await api.edit(early, id, after[1].id, 'new 2, edited');

      const all = await api.eventsOk(early, id);
      expect(all.events.map((e) => [e.type, e.message?.content ?? null])).toEqual([
        ['message', 'old 1, edited'],
        ['message', ''],
        ['message', 'old 3'],
        ['message', ''],
        ['conversation_updated', null],
        ['message', 'new 1'],
        ['message', 'new 2, edited'],
        ['message_updated', 'old 1, edited'],
        ['message_updated', 'old 3'],
        ['message_deleted', ''],
        ['message_updated', 'new 2, edited'],
      ]);
      const mine = await api.eventsOk(late, id);
      expect(mine.last_event_seq).toBe(all.last_event_seq);
      expect(mine.events.map((e) => [e.event_seq, e.type, e.message?.id ?? null])).toEqual([
        [4, 'message', added.id],
        [5, 'conversation_updated', null],
        [6, 'message', after[0].id],
        [7, 'message', after[1].id],
        [11, 'message_updated', after[1].id],
      ]);
      expect(mine.events[1].conversation).toEqual(await api.conversationOk(late, id));
      // Asking from before they joined changes nothing.
      expect((await api.eventsOk(late, id, 2)).events).toEqual(mine.events);
    });

    it('pages the change feed to its end as a client does, even past a page of changes to older messages only', async () => {
      const { owner, late, id, before } = await joinedLate();
      for (const text of ['old 1, take 2', 'old 1, take 3', 'old 1, take 4']) await api.edit(owner, id, before[0].id, text);
      const last = await api.sendOk(owner, id, 'after the edits');

      // The web client's catch-up: pages from what it applied until it reaches last_event_seq, or a page is empty.
      const seen: Frame[] = [];
      for (let after = 0; ; ) {
        const page = (await api.events(late, id, { after, limit: 2 })).body as { events: Frame[]; last_event_seq: number };
        seen.push(...page.events);
        if (!page.events.length) break;
        after = page.events[page.events.length - 1].event_seq;
        if (after >= page.last_event_seq) break;
      }
      expect(seen.map((e) => e.message?.content ?? e.type)).toEqual(['', 'conversation_updated', 'new 1', 'new 2', 'after the edits']);
      expect(seen[seen.length - 1].message.id).toBe(last.id);
    });

    it('counts as unread only messages from their member_added on', async () => {
      const { early, late, id } = await joinedLate();
      expect(await api.conversationOk(late, id)).toMatchObject({ unread_count: 2, has_unread: true });
      // Early has read nothing: the owner's three, not their own nor the system message.
      expect((await api.conversationOk(early, id)).unread_count).toBe(3);
      await api.read(late, id);
      expect((await api.conversationOk(late, id)).unread_count).toBe(0);
    });

    it('cannot reply to an older message (400) nor react to, edit or delete one (404); newer ones are theirs to use', async () => {
      const { owner, late, id, before, after } = await joinedLate();
      const old = before[0];
      expectError(await api.send(late, id, 'quoting history', { reply_to_id: old.id }), 400);
      expectError(await api.react(late, id, old.id, '👍'), 404);
      expectError(await api.unreact(late, id, old.id), 404);
      expectError(await api.edit(late, id, old.id, 'rewritten'), 404);
      expectError(await api.deleteMessage(late, id, old.id), 404);
      expect((await api.messagesOk(owner, id, { limit: 200 })).find((m) => m.id === old.id)).toMatchObject({ content: 'old 1', reactions: [], version: 1 });

      expect((await api.sendOk(late, id, 'quoting', { reply_to_id: after[0].id })).reply_to).toMatchObject({ id: after[0].id, preview: 'new 1' });
      expect((await api.react(late, id, after[0].id, '👍')).status).toBe(200);
    });

    it('sees only what came from their latest member_added on after being removed and added again', async () => {
      const { owner, late, id, added, after } = await joinedLate();
      await api.removeOk(owner, id, late);
      const meanwhile = await api.sendOk(owner, id, 'while you were out');
      await api.addOk(owner, id, [late]);
      const again = await newest(owner, id);
      const next = await api.sendOk(owner, id, 'welcome back');
      expect(ids(await api.messagesOk(late, id))).toEqual([again.id, next.id]);
      expectError(await api.react(late, id, meanwhile.id, '👍'), 404);
      expectError(await api.react(late, id, after[0].id, '👍'), 404);
      expect((await api.eventsOk(late, id)).events.map((e) => e.message?.id ?? e.type)).toEqual([again.id, 'conversation_updated', next.id]);
      expect(ids(await api.messagesOk(late, id, { after: added.id }))).toEqual([again.id, next.id]);
    });

    it('gets on a /ws opened before: their member_added, their own conversation_updated, then the next messages live, nothing older', async () => {
      const [owner, early, late] = await users(3);
      const id = await api.groupOf(owner, [early], 'Live');
      const old = await api.sendOk(early, id, 'before you');
      const [lateWs, earlyWs] = await Promise.all([stream(late), stream(early)]);

      await api.addOk(owner, id, [late]);
      const added = await lateWs.next(isNotice(id, 'member_added'));
      expect(added).toMatchObject({ event_seq: 2, message: { seq: 2, sender_id: owner.id, system: notice('member_added', owner.id, [late.id]) } });
      const update = await lateWs.next(isUpdateOf(id));
      expect(update).toEqual({ type: 'conversation_updated', conversation_id: id, event_seq: 3, conversation: sameAs(await api.conversationOk(late, id)) });
      expect(update.conversation).toMatchObject({ unread_count: 0, name: 'Live' });
      expect(rolesOf(update.conversation as Conversation)[late.id]).toBe('member');

      // A change to an older message is not theirs; the next messages are, from REST and from a socket.
      await api.edit(early, id, old.id, 'before you, edited');
      const rest = await api.sendOk(owner, id, 'welcome');
      const cid = randomUUID();
      earlyWs.send({ type: 'message', conversation_id: id, content: 'hi from the socket', client_id: cid });
      const fromSocket = (await earlyWs.next((f) => f.type === 'ack' && f.client_id === cid)).message;
      const received = await lateWs.next(isMessage(fromSocket.id));
      expect(received).toEqual({ type: 'message', message: fromSocket, event_seq: 6 });
      expect(lateWs.before(received).filter(isChangeOf(id)).map((f) => [f.type, f.event_seq])).toEqual([
        ['message', 2],
        ['conversation_updated', 3],
        ['message', 5],
      ]);
      expect((await lateWs.next(isMessage(rest.id))).message.content).toBe('welcome');

      // And they can talk right away.
      lateWs.send({ type: 'message', conversation_id: id, content: 'thanks', client_id: 'late-1' });
      const ack = await lateWs.next((f) => f.type === 'ack' && f.client_id === 'late-1');
      expect((await earlyWs.next(isMessage(ack.message.id))).message.content).toBe('thanks');
    });

    it('can open the conversation socket once added, not before (4403)', async () => {
      const [owner, early, late] = await users(3);
      const id = await api.groupOf(owner, [early]);
      const refused = await track(WsClient.open(`${t.baseUrl.replace(/^http/, 'ws')}/ws/${id}/${late.token}`));
      expect((await refused.closed).code).toBe(4403);
      await api.addOk(owner, id, [late]);
      const socket = await seedSocket(id, late);
      const message = await api.sendOk(owner, id, 'now you hear me');
      expect((await socket.next(isMessage(message.id))).event_seq).toBe(message.seq + 1);
    });
  });

  describe('a member removed', () => {
    async function removedFrom() {
      const [owner, stays, gone] = await users(3);
      const id = await api.groupOf(owner, [stays, gone], 'Crew');
      const elsewhere = await api.groupOf(owner, [gone], 'Elsewhere');
      const message = await api.sendOk(owner, id, 'before the removal');
      return { owner, stays, gone, id, elsewhere, message };
    }

    it('gets 403 on every REST path of the conversation at once, and it leaves their list', async () => {
      const { owner, stays, gone, id, message } = await removedFrom();
      await api.removeOk(owner, id, gone);
      const calls = [
        api.get(gone, id),
        api.messages(gone, id),
        api.messages(gone, id, { after: message.id }),
        api.send(gone, id, 'still here?'),
        api.read(gone, id),
        api.events(gone, id),
        api.edit(gone, id, message.id, 'x'),
        api.deleteMessage(gone, id, message.id),
        api.react(gone, id, message.id, '👍'),
        api.unreact(gone, id, message.id),
        api.rename(gone, id, 'Mine'),
        api.add(gone, id, [gone.id]),
        api.remove(gone, id, stays.id),
        api.setRole(gone, id, stays.id, 'admin'),
        api.leave(gone, id),
      ];
      for (const res of await Promise.all(calls)) expectError(res, 403);
      expect(ids(await api.listOk(gone))).not.toContain(id);
      expect(await api.messagesOk(owner, id)).toHaveLength(2);
    });

    it('gets on /ws the member_removed notice, then one conversation_removed, and nothing of the conversation after', async () => {
      const { owner, stays, gone, id, elsewhere, message } = await removedFrom();
      const [ownerWs, staysWs, goneWs] = await Promise.all([stream(owner), stream(stays), stream(gone)]);

      await api.removeOk(owner, id, gone);
      const removedNotice = await goneWs.next(isNotice(id, 'member_removed'));
      expect(removedNotice.message.system).toEqual(notice('member_removed', owner.id, [gone.id]));
      const removal = await goneWs.next((f) => f.type === 'conversation_removed');
      expect(removal).toEqual({ type: 'conversation_removed', conversation_id: id });
      expect(goneWs.frames.indexOf(removedNotice)).toBeLessThan(goneWs.frames.indexOf(removal));

      // The group carries on: messages over REST and a socket, typing, an edit, a reaction, a read, a rename.
      const mark = staysWs.mark();
      const rest = await api.sendOk(owner, id, 'after the removal');
      ownerWs.send({ type: 'message', conversation_id: id, content: 'from the socket', client_id: 'after-1' });
      ownerWs.send({ type: 'typing', conversation_id: id, is_typing: true });
      await ownerWs.next((f) => f.type === 'ack' && f.client_id === 'after-1');
      await api.edit(owner, id, message.id, 'edited after');
      await api.react(stays, id, rest.id, '👍');
      await api.read(stays, id);
      await api.rename(owner, id, 'Crew, smaller');
      // Stays has each of them...
      for (const expected of [
        isMessage(rest.id),
        (f: Frame) => f.type === 'message' && f.message.client_id === 'after-1',
        (f: Frame) => f.type === 'typing' && f.user_id === owner.id,
        (f: Frame) => f.type === 'message_updated' && f.message.content === 'edited after',
        (f: Frame) => f.type === 'message_updated' && f.message.reactions.length === 1,
        (f: Frame) => f.type === 'conversation_read' && f.user_id === stays.id,
        (f: Frame) => isUpdateOf(id)(f) && f.conversation.name === 'Crew, smaller',
      ]) {
        await staysWs.nextSince(mark, expected);
      }
      // ...and once a message of another conversation reaches Gone after them all, nothing of this one came before it.
      const barrier = await api.sendOk(owner, elsewhere, 'barrier');
      const barrierFrame = await goneWs.next(isMessage(barrier.id));
      const aboutIt = goneWs.before(barrierFrame).filter(isAbout(id));
      expect(aboutIt.slice(aboutIt.indexOf(removedNotice))).toEqual([removedNotice, removal]);
      expect(goneWs.frames.filter((f) => f.type === 'conversation_removed')).toHaveLength(1);
      expect(goneWs.frames.filter(isUpdateOf(id))).toEqual([]);
      expect(goneWs.isOpen).toBe(true);
    });

    it('has its conversation socket closed with 4403 right after the notice; a new one is refused with 4403', async () => {
      const { owner, gone, id } = await removedFrom();
      const goneSeed = await seedSocket(id, gone);
      await api.removeOk(owner, id, gone);
      expect(await goneSeed.closed).toMatchObject({ code: 4403 });
      expect(goneSeed.frames.filter(isChangeOf(id)).map((f) => f.message?.system?.action ?? f.type)).toEqual(['member_removed']);
      const again = await track(WsClient.open(`${t.baseUrl.replace(/^http/, 'ws')}/ws/${id}/${gone.token}`));
      expect((await again.closed).code).toBe(4403);
    });

    it('gets forbidden for a message, typing or read frame naming the conversation; nothing is stored or relayed', async () => {
      const { owner, stays, gone, id, elsewhere } = await removedFrom();
      const [goneWs, staysWs] = await Promise.all([stream(gone), stream(stays)]);
      await api.removeOk(owner, id, gone);
      await goneWs.next((f) => f.type === 'conversation_removed');

      for (const frame of [
        { type: 'message', conversation_id: id, content: 'let me back in', client_id: 'gone-1' },
        { type: 'typing', conversation_id: id, is_typing: true },
        { type: 'read', conversation_id: id },
      ]) {
        const mark = goneWs.mark();
        goneWs.send(frame);
        expect(await goneWs.nextSince(mark, (f) => f.type === 'error')).toMatchObject({ code: 'forbidden' });
      }
      const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND sender_id = $2`, [id, gone.id]);
      expect(rows[0].n).toBe(0);
      const marker = await api.sendOk(owner, id, 'marker');
      const markerFrame = await staysWs.next(isMessage(marker.id));
      expect(staysWs.before(markerFrame).filter((f) => f.type !== 'presence' && (f.user_id === gone.id || f.message?.sender_id === gone.id))).toEqual([]);
      // The socket itself carries on with the conversations they are still in.
      goneWs.send({ type: 'message', conversation_id: elsewhere, content: 'still here', client_id: 'gone-2' });
      expect((await goneWs.next((f) => f.type === 'ack' && f.client_id === 'gone-2')).message.conversation_id).toBe(elsewhere);
    });

    it('who left gets the member_left notice and conversation_removed on /ws, and their conversation socket closes with 4403', async () => {
      const { owner, gone, id } = await removedFrom();
      const [goneWs, goneSeed, ownerWs] = await Promise.all([stream(gone), seedSocket(id, gone), stream(owner)]);
      await api.leaveOk(gone, id);
      const left = await goneWs.next(isNotice(id, 'member_left'));
      const removal = await goneWs.next((f) => f.type === 'conversation_removed');
      expect(goneWs.frames.indexOf(left)).toBeLessThan(goneWs.frames.indexOf(removal));
      expect((await goneSeed.closed).code).toBe(4403);
      expect((await ownerWs.next(isUpdateOf(id))).conversation.participants).toHaveLength(2);
    });
  });

  describe('concurrent membership changes', () => {
    /** Every message of the conversation, oldest first, as `reader` may see them. */
    async function wholeHistory(reader: Caller, id: string): Promise<Message[]> {
      return api.messagesOk(reader, id, { limit: 200 });
    }

    it('keeps membership consistent with the order of the system messages when one user is added and removed at once, many times', async () => {
      const [owner, member, x] = await users(3);
      const id = await api.groupOf(owner, [member, x]);
      const rounds = 25;
      for (let round = 0; round < rounds; round++) {
        const [added, removed] = await Promise.all([api.add(owner, id, [x.id]), api.remove(owner, id, x.id)]);
        expect(added.status).toBe(200);
        expect([200, 404]).toContain(removed.status);
      }
      const history = await wholeHistory(owner, id);
      // Numbering without gaps: messages by seq, changes by event_seq.
      expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
      const feed = await api.eventsOk(owner, id);
      expect(feed.events.map((e) => e.event_seq)).toEqual(feed.events.map((_, i) => i + 1));
      expect(feed.events.map((e) => e.type)).toEqual(history.flatMap(() => ['message', 'conversation_updated']));
      // In the order of the notices, x was in, out, in, out…: never added while in nor removed while out.
      const actions = history.map((m) => m.system!.action);
      expect(actions.length).toBeGreaterThanOrEqual(rounds);
      actions.forEach((action, i) => expect([i, action]).toEqual([i, i % 2 === 0 ? 'member_removed' : 'member_added']));
      for (const m of history) expect(m.system!.user_ids).toEqual([x.id]);
      // The final membership is the last notice's.
      const inNow = actions[actions.length - 1] === 'member_added';
      const { rows } = await t.db.query(`SELECT user_id FROM participants WHERE conversation_id = $1 ORDER BY user_id`, [id]);
      expect(rows.map((r) => r.user_id)).toEqual([owner.id, member.id, ...(inNow ? [x.id] : [])].sort());
      expect((await api.get(x, id)).status).toBe(inNow ? 200 : 403);
    });

    it('records none of a member’s reactions after their member_removed, even those made while the removal commits', async () => {
      const [owner, x] = await users(2);
      const id = await api.groupOf(owner, [x]);
      for (let round = 0; round < 10; round++) {
        const targets = await Promise.all(Array.from({ length: 10 }, (_, i) => api.sendOk(owner, id, `react to me ${round}-${i}`)));
        const [reactions, removal] = await Promise.all([
          Promise.all(targets.map((m) => api.react(x, id, m.id, '👍'))),
          (async () => {
            await new Promise((resolve) => setImmediate(resolve));
            return api.removeOk(owner, id, x);
          })(),
        ]);
        expect(removal.participants).toHaveLength(1);
        const feed = await api.eventsOk(owner, id);
        const removedAt = feed.events.filter((e) => e.message?.system?.action === 'member_removed').pop()!.event_seq;
        const late = feed.events.filter((e) => e.type === 'message_updated' && e.event_seq > removedAt);
        expect({ round, late: late.map((e) => e.message.content) }).toEqual({ round, late: [] });
        // A reaction answered 200 was recorded before the removal; any other was refused with 403, and left nothing.
        const stored = await api.messagesOk(owner, id, { limit: 200 });
        reactions.forEach((res, i) => {
          const reacted = stored.find((m) => m.id === targets[i].id)!.reactions.length > 0;
          expect({ i, status: res.status, reacted }).toEqual({ i, status: reacted ? 200 : 403, reacted });
        });
        await api.addOk(owner, id, [x]);
      }
    });

    it('answers a member reading the conversation while being removed 200 or 403, never an error', async () => {
      const [owner, x] = await users(2);
      const id = await api.groupOf(owner, [x]);
      await api.sendOk(owner, id, 'read me');
      for (let round = 0; round < 10; round++) {
        const [reads] = await Promise.all([
          Promise.all(Array.from({ length: 10 }, () => api.read(x, id))),
          api.removeOk(owner, id, x),
        ]);
        const others = reads.filter((r) => r.status !== 200 && r.status !== 403).map((r) => `${r.status} ${r.text}`);
        expect({ round, others }).toEqual({ round, others: [] });
        await api.addOk(owner, id, [x]);
      }
    });

    it('stores none of a member’s messages after their member_removed, even those sent while the removal commits', async () => {
      const [owner, x] = await users(2);
      const id = await api.groupOf(owner, [x]);
      const fence = (await api.createDirect(owner, x)).body.id;
      const xWs = await stream(x);
      for (let round = 0; round < 10; round++) {
        const mark = xWs.mark();
        const cids = Array.from({ length: 20 }, (_, i) => `race-${round}-${i}`);
        for (const cid of cids) xWs.send({ type: 'message', conversation_id: id, content: cid, client_id: cid });
        xWs.send({ type: 'message', conversation_id: fence, content: 'fence', client_id: `fence-${round}` });
        await api.removeOk(owner, id, x);
        // A connection handles its frames in order: once the fence is acknowledged, each of the others was stored or refused.
        await xWs.nextSince(mark, (f) => f.type === 'ack' && f.client_id === `fence-${round}`);
        const history = await wholeHistory(owner, id);
        const removedAt = history.filter((m) => m.system?.action === 'member_removed').pop()!.seq;
        const late = history.filter((m) => m.sender_id === x.id && m.kind === 'user' && m.seq > removedAt);
        expect({ round, late: late.map((m) => m.content) }).toEqual({ round, late: [] });
        // Each of them was either acknowledged (and stored before the removal) or refused as forbidden.
        const answers = await xWs.collect((f) => xWs.frames.indexOf(f) >= mark && cids.includes(f.client_id), cids.length);
        const stored = new Set(history.filter((m) => m.sender_id === x.id).map((m) => m.client_id));
        expect(answers.map((f) => [f.client_id, f.type === 'ack' || f.code])).toEqual(
          cids.map((cid) => [cid, stored.has(cid) ? true : 'forbidden']),
        );
        await api.addOk(owner, id, [x]);
        await xWs.nextSince(mark, isUpdateOf(id));
      }
    });
  });
});
