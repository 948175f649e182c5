import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { startApp, TestApp } from '../support/app';
import { insertUsers, registerUser, startConversation, TestUser } from '../support/users';
import type { ConversationDto } from '../../backend/src/conversations/dto/conversation.dto';
import type { MessageDto } from '../../backend/src/conversations/dto/message.dto';
import type { PublicUserDto } from '../../backend/src/users/dto/user.dto';
import { CONVERSATION_KEYS, MESSAGE_KEYS, PARTICIPANT_KEYS } from '../support/contract';

/** Counts the SQL statements the app runs while `counting` is on. */
class QueryCounter implements TypeOrmLogger {
  counting = false;
  readonly statements: string[] = [];

  logQuery(query: string): void {
    if (this.counting) this.statements.push(query);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}

  /** How many statements `action` made the app run. */
  async count(action: () => Promise<unknown>): Promise<number> {
    this.statements.length = 0;
    this.counting = true;
    try {
      await action();
    } finally {
      this.counting = false;
    }
    return this.statements.length;
  }
}

const READ_STATE_KEYS = ['conversation_id', 'last_read_seq', 'last_read_timestamp', 'user_id'];
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type PublicUser = PublicUserDto;
type Message = MessageDto;
type Conversation = ConversationDto;

const sortedKeys = (o: object) => Object.keys(o).sort();
const ids = (list: { id: string }[]) => list.map((x) => x.id);

describe('conversations API', () => {
  let t: TestApp;
  const queries = new QueryCounter();

  beforeAll(async () => {
    t = await startApp({ queryLogger: queries });
  });
  afterAll(() => t.close());

  const users = (n: number, prefix = 'c') => Promise.all(Array.from({ length: n }, () => registerUser(t, prefix)));
  const create = (caller: TestUser, body: object, path = '/conversations/') =>
    t.http().post(path).set('Authorization', caller.auth).send(body);
  const list = async (caller: TestUser): Promise<Conversation[]> => {
    const res = await t.http().get('/conversations/').set('Authorization', caller.auth);
    expect(res.status).toBe(200);
    return res.body;
  };
  const send = async (sender: TestUser, conversationId: string, content: string): Promise<Message> => {
    const res = await t
      .http()
      .post(`/conversations/${conversationId}/messages`)
      .set('Authorization', sender.auth)
      .send({ content });
    expect(res.status).toBe(201);
    return res.body;
  };
  const read = (caller: TestUser, conversationId: string) =>
    t.http().post(`/conversations/${conversationId}/read`).set('Authorization', caller.auth);
  const find = async (caller: TestUser, conversationId: string): Promise<Conversation> => {
    const found = (await list(caller)).find((c) => c.id === conversationId);
    if (!found) throw new Error(`conversation ${conversationId} is not in the list of ${caller.username}`);
    return found;
  };
  /** The one-on-one conversations in the database that have exactly these two users as participants. */
  const directConversationsOf = async (a: TestUser, b: TestUser): Promise<string[]> => {
    const { rows } = await t.db.query<{ id: string }>(
      `SELECT c.id FROM conversations c
        WHERE NOT c.is_group_chat
          AND EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = $1)
          AND EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = $2)`,
      [a.id, b.id],
    );
    return rows.map((r) => r.id);
  };
  describe('POST /conversations/', () => {
    it.each(['/conversations/', '/conversations'])('creates a one-on-one conversation at %s (201)', async (path) => {
      const [alice, bob] = await users(2);
      const res = await create(alice, { participant_ids: [bob.id] }, path);

      expect(res.status).toBe(201);
      expect(sortedKeys(res.body)).toEqual(CONVERSATION_KEYS);
      expect(res.body.id).toMatch(UUID);
      expect(res.body.name).toBeNull();
      expect(res.body.is_group_chat).toBe(false);
      expect(res.body.created_at).toMatch(ISO_MS);
      expect(res.body.last_message).toBeNull();
      expect(res.body.unread_count).toBe(0);
      expect(res.body.has_unread).toBe(false);
      expect(ids(res.body.participants).sort()).toEqual([alice.id, bob.id].sort());
    });

    it('lists participants as PublicUser objects, never with an email', async () => {
      const [alice, bob] = await users(2);
      const res = await create(alice, { participant_ids: [bob.id] });

      expect(res.status).toBe(201);
      for (const participant of res.body.participants as PublicUser[]) {
        expect(sortedKeys(participant)).toEqual(PARTICIPANT_KEYS);
        expect(JSON.stringify(participant)).not.toContain('@example.test');
      }
      const byId = new Map((res.body.participants as PublicUser[]).map((p) => [p.id, p]));
      expect(byId.get(alice.id)?.username).toBe(alice.username);
      expect(byId.get(bob.id)?.username).toBe(bob.username);
      expect(typeof byId.get(bob.id)?.is_online).toBe('boolean');
    });

    it('returns 200 with the same conversation when the same pair starts it again, from either side', async () => {
      const [alice, bob] = await users(2);
      const first = await create(alice, { participant_ids: [bob.id] });
      const again = await create(alice, { participant_ids: [bob.id] });
      const fromBob = await create(bob, { participant_ids: [alice.id] });

      expect(first.status).toBe(201);
      expect(again.status).toBe(200);
      expect(fromBob.status).toBe(200);
      expect(again.body.id).toBe(first.body.id);
      expect(fromBob.body.id).toBe(first.body.id);
      expect(sortedKeys(fromBob.body)).toEqual(CONVERSATION_KEYS);
      expect(await directConversationsOf(alice, bob)).toEqual([first.body.id]);
    });

    it('finds the existing one-on-one when the other user id is written in upper case', async () => {
      const [alice, bob] = await users(2);
      const first = await create(alice, { participant_ids: [bob.id] });
      const upper = await create(alice, { participant_ids: [bob.id.toUpperCase()] });

      expect(first.status).toBe(201);
      expect(upper.status).toBe(200);
      expect(upper.body.id).toBe(first.body.id);
    });

    it('accepts user_ids in place of participant_ids', async () => {
      const [alice, bob] = await users(2);
      const res = await create(alice, { user_ids: [bob.id] });

      expect(res.status).toBe(201);
      expect(res.body.is_group_chat).toBe(false);
      expect(ids(res.body.participants).sort()).toEqual([alice.id, bob.id].sort());
      const again = await create(bob, { user_ids: [alice.id] });
      expect(again.status).toBe(200);
      expect(again.body.id).toBe(res.body.id);
    });

    it('returns 400 when both participant_ids and user_ids are given', async () => {
      const [alice, bob, carol] = await users(3);
      const res = await create(alice, { participant_ids: [bob.id], user_ids: [carol.id] });

      expect(res.status).toBe(400);
      expect(await directConversationsOf(alice, bob)).toEqual([]);
    });

    it('makes a group chat by default when two or more others are named', async () => {
      const [alice, bob, carol] = await users(3);
      const name = `Trip ${randomBytes(3).toString('hex')}`;
      const res = await create(alice, { participant_ids: [bob.id, carol.id], name });

      expect(res.status).toBe(201);
      expect(res.body.is_group_chat).toBe(true);
      expect(res.body.name).toBe(name);
      expect(ids(res.body.participants).sort()).toEqual([alice.id, bob.id, carol.id].sort());
    });

    it('creates a new group every time, even with the same members', async () => {
      const [alice, bob, carol] = await users(3);
      const first = await create(alice, { participant_ids: [bob.id, carol.id], name: 'Same' });
      const second = await create(alice, { participant_ids: [bob.id, carol.id], name: 'Same' });

      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first.body.id);
    });

    it('keeps a group with a single other user apart from their one-on-one', async () => {
      const [alice, bob] = await users(2);
      const direct = await create(alice, { participant_ids: [bob.id] });
      const group = await create(alice, { participant_ids: [bob.id], is_group_chat: true, name: 'Just us' });

      expect(direct.status).toBe(201);
      expect(group.status).toBe(201);
      expect(group.body.id).not.toBe(direct.body.id);
      expect(group.body.is_group_chat).toBe(true);
      expect(group.body.name).toBe('Just us');
    });

    it('returns 400 for a group without a name', async () => {
      const [alice, bob, carol] = await users(3);
      const implicit = await create(alice, { participant_ids: [bob.id, carol.id] });
      const explicit = await create(alice, { participant_ids: [bob.id], is_group_chat: true });

      expect(implicit.status).toBe(400);
      expect(explicit.status).toBe(400);
      expect(await list(alice)).toEqual([]);
    });

    it('accepts group names of 1 and of 100 characters (emoji count as one)', async () => {
      const [alice, bob, carol] = await users(3);
      const names = ['x', 'n'.repeat(100), '🎉'.repeat(100)];
      for (const name of names) {
        const res = await create(alice, { participant_ids: [bob.id, carol.id], name });
        expect(res.status).toBe(201);
        expect(res.body.name).toBe(name);
      }
    });

    it.each([
      ['101 characters', 'n'.repeat(101)],
      ['101 emoji', '🎉'.repeat(101)],
      ['only white space', '   \t  '],
      ['empty', ''],
      ['not a string', 42],
    ])('returns 400 for a group name that is %s', async (_, name) => {
      const [alice, bob, carol] = await users(3);
      const res = await create(alice, { participant_ids: [bob.id, carol.id], name });

      expect(res.status).toBe(400);
      expect(await list(alice)).toEqual([]);
    });

    it('gives a one-on-one conversation no name even when one is sent', async () => {
      const [alice, bob] = await users(2);
      const res = await create(alice, { participant_ids: [bob.id], is_group_chat: false, name: 'Ignored' });

      expect(res.status).toBe(201);
      expect(res.body.is_group_chat).toBe(false);
      expect(res.body.name).toBeNull();
    });

    it('returns 400 for a one-on-one with two others', async () => {
      const [alice, bob, carol] = await users(3);
      const res = await create(alice, { participant_ids: [bob.id, carol.id], is_group_chat: false });

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, message: expect.anything(), error: expect.any(String) });
      expect(await list(alice)).toEqual([]);
    });

    it.each([
      ['an empty participant list', (_: TestUser) => ({ participant_ids: [] })],
      ['only the caller', (me: TestUser) => ({ participant_ids: [me.id] })],
      ['only the caller, as a one-on-one', (me: TestUser) => ({ participant_ids: [me.id], is_group_chat: false })],
      ['only the caller, as a named group', (me: TestUser) => ({ participant_ids: [me.id], name: 'Me', is_group_chat: true })],
      ['no participant list at all', (_: TestUser) => ({ name: 'Nobody' })],
      ['an empty user_ids list', (_: TestUser) => ({ user_ids: [] })],
    ])('returns 400 with no other participant: %s', async (_, body) => {
      const alice = await registerUser(t, 'c');
      const res = await create(alice, body(alice));

      expect(res.status).toBe(400);
      expect(await list(alice)).toEqual([]);
    });

    it('returns 400 for an unknown user id', async () => {
      const [alice, bob] = await users(2);
      const oneOnOne = await create(alice, { participant_ids: [randomUUID()] });
      const group = await create(alice, { participant_ids: [bob.id, randomUUID()], name: 'Ghosts' });

      expect(oneOnOne.status).toBe(400);
      expect(group.status).toBe(400);
      expect(await list(alice)).toEqual([]);
    });

    it.each([
      ['a malformed UUID', ['not-a-uuid']],
      ['a UUID with a trailing character', [`${randomUUID()}0`]],
      ['a number', [12]],
      ['null', [null]],
    ])('returns 400 for a participant list with %s', async (_, bad) => {
      const [alice, bob] = await users(2);
      const res = await create(alice, { participant_ids: [bob.id, ...bad], name: 'Bad' });

      expect(res.status).toBe(400);
      expect(await list(alice)).toEqual([]);
    });

    it('returns 400 when participant_ids is not a list', async () => {
      const [alice, bob] = await users(2);
      const res = await create(alice, { participant_ids: bob.id });

      expect(res.status).toBe(400);
    });

    it('returns 400 when is_group_chat is not a boolean', async () => {
      const [alice, bob] = await users(2);
      const res = await create(alice, { participant_ids: [bob.id], is_group_chat: 'no' });

      expect(res.status).toBe(400);
    });

    it('returns 400 for an unknown body field', async () => {
      const [alice, bob] = await users(2);
      const res = await create(alice, { participant_ids: [bob.id], colour: 'blue' });

      expect(res.status).toBe(400);
      expect(await directConversationsOf(alice, bob)).toEqual([]);
    });

    it('returns 400 for a list of 257 participants', async () => {
      const alice = await registerUser(t, 'c');
      const res = await create(alice, { participant_ids: Array.from({ length: 257 }, () => randomUUID()), name: 'Crowd' });

      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toContain('256');
    });

    it('accepts 256 participants in all (the caller and 255 others) and refuses 257', async () => {
      const alice = await registerUser(t, 'c');
      const others = await insertUsers(t, 256);

      const tooMany = await create(alice, { participant_ids: others, name: 'Crowd' });
      expect(tooMany.status).toBe(400);
      expect(JSON.stringify(tooMany.body.message)).toContain('256');

      const full = await create(alice, { participant_ids: others.slice(0, 255), name: 'Crowd' });
      expect(full.status).toBe(201);
      expect(full.body.participants).toHaveLength(256);
      expect(ids(full.body.participants).sort()).toEqual([alice.id, ...others.slice(0, 255)].sort());
    });

    it('creates exactly one one-on-one when both users start it at the same moment', async () => {
      const pairs = await Promise.all(Array.from({ length: 10 }, () => users(2, 'race')));

      for (const [alice, bob] of pairs) {
        const [fromAlice, fromBob] = await Promise.all([
          create(alice, { participant_ids: [bob.id] }),
          create(bob, { participant_ids: [alice.id] }),
        ]);

        expect([fromAlice.status, fromBob.status].sort()).toEqual([200, 201]);
        expect(fromBob.body.id).toBe(fromAlice.body.id);
        expect(await directConversationsOf(alice, bob)).toEqual([fromAlice.body.id]);
        const { rows } = await t.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM participants WHERE conversation_id = $1`,
          [fromAlice.body.id],
        );
        expect(rows[0].n).toBe(2);
      }
    });

    it('creates exactly one one-on-one when the pair is requested many times at once', async () => {
      const [alice, bob] = await users(2, 'race');
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 ? create(alice, { participant_ids: [bob.id] }) : create(bob, { user_ids: [alice.id] }),
        ),
      );

      expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
      expect(responses.filter((r) => r.status === 200)).toHaveLength(9);
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      expect(await directConversationsOf(alice, bob)).toEqual([responses[0].body.id]);
    });
  });

  describe('GET /conversations/', () => {
    it.each(['/conversations/', '/conversations'])('lists the caller’s conversations at %s', async (path) => {
      const [alice, bob, carol, dave] = await users(4);
      const direct = await startConversation(t, alice, [bob]);
      const group = await startConversation(t, carol, [alice, dave], 'Team');
      await startConversation(t, bob, [dave]);

      const res = await t.http().get(path).set('Authorization', alice.auth);

      expect(res.status).toBe(200);
      expect(ids(res.body).sort()).toEqual([direct, group].sort());
      for (const conversation of res.body as Conversation[]) {
        expect(sortedKeys(conversation)).toEqual(CONVERSATION_KEYS);
        for (const participant of conversation.participants) expect(sortedKeys(participant)).toEqual(PARTICIPANT_KEYS);
      }
      const teamConversation = (res.body as Conversation[]).find((c) => c.id === group)!;
      expect(ids(teamConversation.participants).sort()).toEqual([alice.id, carol.id, dave.id].sort());
    });

    it('returns an empty list to a user without conversations', async () => {
      const alice = await registerUser(t, 'c');
      expect(await list(alice)).toEqual([]);
    });

    it('orders conversations by most recent activity first', async () => {
      const [alice, bob, carol, dave] = await users(4);
      const withBob = await startConversation(t, alice, [bob]);
      const withCarol = await startConversation(t, alice, [carol]);
      const withDave = await startConversation(t, dave, [alice]);

      expect(ids(await list(alice))).toEqual([withDave, withCarol, withBob]);

      await send(alice, withBob, 'hi Bob');
      expect(ids(await list(alice))).toEqual([withBob, withDave, withCarol]);

      await send(carol, withCarol, 'hi Alice');
      expect(ids(await list(alice))).toEqual([withCarol, withBob, withDave]);

      await send(bob, withBob, 'hello again');
      const conversations = await list(alice);
      expect(ids(conversations)).toEqual([withBob, withCarol, withDave]);
      expect(conversations[0].last_message_at! >= conversations[1].last_message_at!).toBe(true);
      expect(conversations[2].last_message_at).toBeNull();

      const withErin = await startConversation(t, alice, [await registerUser(t, 'c')]);
      expect(ids(await list(alice))).toEqual([withErin, withBob, withCarol, withDave]);
    });

    it('shows the newest message, decrypted, as last_message', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      await send(alice, id, 'first');
      await send(bob, id, 'second');
      const newest = await send(alice, id, 'third 🙂 مرحبا');

      for (const viewer of [alice, bob]) {
        const conversation = await find(viewer, id);
        expect(conversation.last_message).not.toBeNull();
        expect(sortedKeys(conversation.last_message!)).toEqual(MESSAGE_KEYS);
        expect(conversation.last_message!.id).toBe(newest.id);
        expect(conversation.last_message!.content).toBe('third 🙂 مرحبا');
        expect(conversation.last_message!.sender_id).toBe(alice.id);
        expect(conversation.last_message!.conversation_id).toBe(id);
        expect(conversation.last_message_at).toBe(newest.created_at);
      }
    });

    it('counts as unread only the messages of others newer than the caller’s last read', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      await send(alice, id, 'a1');
      await send(alice, id, 'a2');
      await send(bob, id, 'b1');
      await send(bob, id, 'b2');
      await send(bob, id, 'b3');

      const forAlice = await find(alice, id);
      const forBob = await find(bob, id);
      expect(forAlice.unread_count).toBe(3);
      expect(forAlice.has_unread).toBe(true);
      expect(forBob.unread_count).toBe(2);
      expect(forBob.has_unread).toBe(true);
    });

    it('marks everything read with POST /{id}/read, and counts later messages again', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      await send(bob, id, 'b1');
      const last = await send(bob, id, 'b2');

      const res = await read(alice, id);
      expect(res.status).toBe(200);
      expect(sortedKeys(res.body)).toEqual(READ_STATE_KEYS);
      expect(res.body.conversation_id).toBe(id);
      expect(res.body.user_id).toBe(alice.id);
      expect(res.body.last_read_timestamp).toMatch(ISO_MS);
      expect(res.body.last_read_timestamp >= last.created_at).toBe(true);

      const afterRead = await find(alice, id);
      expect(afterRead.unread_count).toBe(0);
      expect(afterRead.has_unread).toBe(false);
      expect((await find(bob, id)).unread_count).toBe(0);

      await send(alice, id, 'my own message does not count');
      await send(bob, id, 'b3');
      await send(bob, id, 'b4');
      const later = await find(alice, id);
      expect(later.unread_count).toBe(2);
      expect(later.has_unread).toBe(true);
    });

    it('keeps the unread counts of each participant of a group separate', async () => {
      const [alice, bob, carol] = await users(3);
      const id = await startConversation(t, alice, [bob, carol], 'Three');
      await send(alice, id, 'from alice');
      await send(bob, id, 'from bob');
      await send(carol, id, 'from carol');
      expect((await read(bob, id)).status).toBe(200);

      expect((await find(alice, id)).unread_count).toBe(2);
      expect((await find(bob, id)).unread_count).toBe(0);
      expect((await find(carol, id)).unread_count).toBe(2);
    });

    it('runs the same number of SQL queries for 1 conversation as for 15', async () => {
      const [alice, ...others] = await users(6);
      const first = await startConversation(t, alice, [others[0]]);
      await send(others[0], first, 'one');
      const fetchList = async () => {
        const res = await t.http().get('/conversations/').set('Authorization', alice.auth);
        expect(res.status).toBe(200);
        return res.body as Conversation[];
      };

      let oneList: Conversation[] = [];
      const withOne = await queries.count(async () => {
        oneList = await fetchList();
      });
      expect(oneList).toHaveLength(1);

      for (const other of others.slice(1)) await startConversation(t, alice, [other]);
      for (let i = 0; i < 10; i += 1) {
        const members = [others[i % others.length], others[(i + 1) % others.length]];
        const group = await startConversation(t, alice, members, `Group ${i}`);
        await send(members[0], group, `message ${i}`);
      }
      let fifteenList: Conversation[] = [];
      const withFifteen = await queries.count(async () => {
        fifteenList = await fetchList();
      });

      expect(fifteenList).toHaveLength(15);
      expect(fifteenList.filter((c) => c.last_message !== null)).toHaveLength(11);
      expect(withOne).toBeGreaterThan(0);
      expect(withFifteen).toBe(withOne);
    });
  });

  describe('GET /conversations/{id}', () => {
    it('returns the conversation to a participant', async () => {
      const [alice, bob, carol] = await users(3);
      const id = await startConversation(t, alice, [bob, carol], 'Book club');
      const message = await send(bob, id, 'page 42');

      const res = await t.http().get(`/conversations/${id}`).set('Authorization', carol.auth);

      expect(res.status).toBe(200);
      expect(sortedKeys(res.body)).toEqual(CONVERSATION_KEYS);
      expect(res.body.id).toBe(id);
      expect(res.body.name).toBe('Book club');
      expect(res.body.is_group_chat).toBe(true);
      expect(ids(res.body.participants).sort()).toEqual([alice.id, bob.id, carol.id].sort());
      expect(res.body.last_message.id).toBe(message.id);
      expect(res.body.unread_count).toBe(1);
      expect(res.body.has_unread).toBe(true);
      expect(res.body).toEqual(await find(carol, id));
    });

    it('returns 403 to a non-participant', async () => {
      const [alice, bob, mallory] = await users(3);
      const id = await startConversation(t, alice, [bob]);

      const res = await t.http().get(`/conversations/${id}`).set('Authorization', mallory.auth);

      expect(res.status).toBe(403);
      expect(res.body).toEqual({ statusCode: 403, message: expect.anything(), error: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toContain(bob.id);
    });

    it('returns 404 for an unknown conversation id', async () => {
      const alice = await registerUser(t, 'c');
      const res = await t.http().get(`/conversations/${randomUUID()}`).set('Authorization', alice.auth);

      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, message: expect.anything(), error: expect.any(String) });
    });

    it.each(['not-a-uuid', '12345', `${randomUUID()}x`])('returns 400 for the malformed id %s', async (bad) => {
      const alice = await registerUser(t, 'c');
      const res = await t.http().get(`/conversations/${bad}`).set('Authorization', alice.auth);

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, message: expect.anything(), error: expect.any(String) });
    });
  });

  describe('POST /conversations/{id}/read', () => {
    it('returns 403 to a non-participant and changes nothing', async () => {
      const [alice, bob, mallory] = await users(3);
      const id = await startConversation(t, alice, [bob]);
      await send(bob, id, 'secret');

      const res = await read(mallory, id);

      expect(res.status).toBe(403);
      expect((await find(alice, id)).unread_count).toBe(1);
    });

    it('returns 404 for an unknown conversation id', async () => {
      const alice = await registerUser(t, 'c');
      expect((await read(alice, randomUUID())).status).toBe(404);
    });

    it('returns 400 for a malformed conversation id', async () => {
      const alice = await registerUser(t, 'c');
      expect((await read(alice, 'not-a-uuid')).status).toBe(400);
    });

    it('marks a conversation without messages read', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);

      const res = await read(alice, id);

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ conversation_id: id, user_id: alice.id, last_read_timestamp: expect.stringMatching(ISO_MS), last_read_seq: 0 });
    });

    it('reads only up to up_to_seq: later messages stay unread and unread for their sender, and the mark never goes back', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const b1 = await send(bob, id, 'b1');
      const b2 = await send(bob, id, 'b2');
      const b3 = await send(bob, id, 'b3');

      const res = await read(alice, id).send({ up_to_seq: b2.seq });

      expect(res.status).toBe(200);
      expect(res.body).toEqual({ conversation_id: id, user_id: alice.id, last_read_seq: b2.seq, last_read_timestamp: b2.created_at });
      expect((await find(alice, id)).unread_count).toBe(1);
      const statuses = async () => {
        const history = await t.http().get(`/conversations/${id}/messages`).set('Authorization', bob.auth);
        return (history.body as Message[]).map((m) => [m.id, m.status]);
      };
      expect(await statuses()).toEqual([
        [b1.id, 'read'],
        [b2.id, 'read'],
        [b3.id, 'sent'],
      ]);

      const back = await read(alice, id).send({ up_to_seq: b1.seq });
      expect(back.body).toMatchObject({ last_read_seq: b2.seq, last_read_timestamp: b2.created_at });
      expect((await find(alice, id)).unread_count).toBe(1);

      const beyond = await read(alice, id).send({ up_to_seq: b3.seq + 100 });
      expect(beyond.body.last_read_seq).toBe(b3.seq);
      expect((await find(alice, id)).unread_count).toBe(0);
    });

    it.each([
      ['zero', 0],
      ['a fraction', 1.5],
      ['a string', '3'],
    ])('returns 400 for an up_to_seq that is %s', async (_, upToSeq) => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      await send(bob, id, 'unread');

      const res = await read(alice, id).send({ up_to_seq: upToSeq });

      expect(res.status).toBe(400);
      expect((await find(alice, id)).unread_count).toBe(1);
    });

    it('returns 400 for an unknown body field', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      await send(bob, id, 'unread');

      const res = await read(alice, id).send({ up_to: 'everything' });

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, message: expect.anything(), error: expect.any(String) });
      expect((await find(alice, id)).unread_count).toBe(1);
    });

    it('never moves the read timestamp backwards', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      await send(bob, id, 'hi');
      const first = await read(alice, id);
      const second = await read(alice, id);

      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.body.last_read_timestamp >= first.body.last_read_timestamp).toBe(true);
    });
  });

  describe('authentication', () => {
    const endpoints: [string, string, (id: string) => string][] = [
      ['POST', 'create at /conversations/', () => '/conversations/'],
      ['POST', 'create at /conversations', () => '/conversations'],
      ['GET', 'list at /conversations/', () => '/conversations/'],
      ['GET', 'list at /conversations', () => '/conversations'],
      ['GET', 'get one', (id) => `/conversations/${id}`],
      ['GET', 'list messages', (id) => `/conversations/${id}/messages`],
      ['POST', 'send a message', (id) => `/conversations/${id}/messages`],
      ['POST', 'mark read', (id) => `/conversations/${id}/read`],
    ];
    const bodyFor = (path: string, other: TestUser) =>
      path.endsWith('/messages') ? { content: 'hello' } : path.endsWith('/read') ? {} : { participant_ids: [other.id] };

    it.each(endpoints)('%s %s returns 401 without a token', async (method, _, path) => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const url = path(id);
      const req = method === 'GET' ? t.http().get(url) : t.http().post(url).send(bodyFor(url, bob));

      const res = await req;

      expect(res.status).toBe(401);
      expect(res.body).toEqual({ statusCode: 401, message: expect.anything(), error: expect.any(String) });
    });

    it.each(endpoints)('%s %s returns 401 with a malformed or forged token', async (method, _, path) => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const url = path(id);
      const [header, payload] = alice.token.split('.');
      const forged = `${header}.${payload}.${randomBytes(32).toString('base64url')}`;

      for (const auth of ['Bearer not-a-token', `Bearer ${forged}`, alice.token]) {
        const req = method === 'GET' ? t.http().get(url) : t.http().post(url).send(bodyFor(url, bob));
        const res = await req.set('Authorization', auth);
        expect(res.status).toBe(401);
      }
    });
  });
});
