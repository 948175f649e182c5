import { randomBytes, randomUUID } from 'node:crypto';
import { startApp, TestApp } from '../support/app';
import { registerUser, startConversation, TestUser } from '../support/users';
import type { MessageDto } from '../../backend/src/conversations/dto/message.dto';
import { MESSAGE_KEYS } from '../support/contract';

type Message = MessageDto;

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ids = (list: { id: string }[]) => list.map((m) => m.id);
/** A message as every reader must see it (status aside, which depends on when it is read). */
const stable = (m: Message) => ({ id: m.id, sender_id: m.sender_id, content: m.content, client_id: m.client_id, created_at: m.created_at });
const clientId = () => `cid-${randomBytes(8).toString('hex')}`;

describe('messages API', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const users = (n: number, prefix = 'm') => Promise.all(Array.from({ length: n }, () => registerUser(t, prefix)));
  const post = (sender: TestUser, conversationId: string, body: object) =>
    t.http().post(`/conversations/${conversationId}/messages`).set('Authorization', sender.auth).send(body);
  const send = async (sender: TestUser, conversationId: string, content: string, client_id?: string): Promise<Message> => {
    const res = await post(sender, conversationId, client_id === undefined ? { content } : { content, client_id });
    if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const get = (reader: TestUser, conversationId: string, query: Record<string, string | number> = {}) =>
    t.http().get(`/conversations/${conversationId}/messages`).query(query).set('Authorization', reader.auth);
  const page = async (reader: TestUser, conversationId: string, query: Record<string, string | number> = {}): Promise<Message[]> => {
    const res = await get(reader, conversationId, query);
    if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  /** Every message of the conversation in conversation order, in one page. */
  const all = (reader: TestUser, conversationId: string) => page(reader, conversationId, { limit: 200 });
  const statusOf = async (reader: TestUser, conversationId: string, messageId: string) => {
    const found = (await all(reader, conversationId)).find((m) => m.id === messageId);
    if (!found) throw new Error(`message ${messageId} not found`);
    return found.status;
  };
  const read = async (reader: TestUser, conversationId: string) => {
    const res = await t.http().post(`/conversations/${conversationId}/read`).set('Authorization', reader.auth);
    expect(res.status).toBe(200);
  };
  const rowCount = async (where: string, params: unknown[]) => {
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE ${where}`, params);
    return rows[0].n;
  };
  /** A one-on-one of two fresh users with `n` messages sent one after another, alternating senders. */
  const conversationWithMessages = async (n: number) => {
    const [alice, bob] = await users(2);
    const id = await startConversation(t, alice, [bob]);
    const sent: Message[] = [];
    for (let i = 0; i < n; i += 1) sent.push(await send(i % 3 === 2 ? bob : alice, id, `message ${i}`));
    return { alice, bob, id, sent };
  };

  describe('POST /conversations/{id}/messages', () => {
    it('stores a message and returns it (201)', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const cid = clientId();

      const res = await post(alice, id, { content: 'Hello Bob', client_id: cid });

      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(MESSAGE_KEYS);
      expect(res.body.id).toMatch(UUID);
      expect(res.body.conversation_id).toBe(id);
      expect(res.body.sender_id).toBe(alice.id);
      expect(res.body.content).toBe('Hello Bob');
      expect(res.body.client_id).toBe(cid);
      expect(res.body.status).toBe('sent');
      expect(res.body.created_at).toMatch(ISO_MS);
      expect(ids(await all(bob, id))).toEqual([res.body.id]);
    });

    it('gives a message sent without client_id a null client_id', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);

      const res = await post(alice, id, { content: 'no key' });

      expect(res.status).toBe(201);
      expect(res.body.client_id).toBeNull();
    });

    it('stores two messages sent without client_id with the same content as two messages', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);

      const first = await send(alice, id, 'same words');
      const second = await send(alice, id, 'same words');

      expect(second.id).not.toBe(first.id);
      expect(ids(await all(alice, id))).toEqual([first.id, second.id]);
    });

    it('drops blank lines before the content and white space after it, and keeps its indentation', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);

      const res = await post(alice, id, { content: '  \n\t spaced out \n ' });

      expect(res.status).toBe(201);
      expect(res.body.content).toBe('\t spaced out');
      expect((await all(bob, id))[0].content).toBe('\t spaced out');
      const code = await post(alice, id, { content: '    indented();\n  less();\n' });
      expect(code.body.content).toBe('    indented();\n  less();');
    });

    it('accepts 4096 characters, emoji counting as one each, even with white space around them', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const contents = ['a'.repeat(4096), '😀'.repeat(4096), ` ${'é'.repeat(4096)}  `];

      for (const content of contents) {
        const res = await post(alice, id, { content });
        expect(res.status).toBe(201);
        // Counted once trimmed; stored with its leading space (indentation is kept), not the trailing ones.
        expect(res.body.content).toBe(content.trimEnd());
        expect([...res.body.content.trim()]).toHaveLength(4096);
      }
      expect((await all(bob, id)).map((m) => m.content)).toEqual(contents.map((c) => c.trimEnd()));
    });

    it.each([
      ['4097 characters', { content: 'a'.repeat(4097) }],
      ['4097 emoji', { content: '😀'.repeat(4097) }],
      ['an empty content', { content: '' }],
      ['a white-space-only content', { content: ' \n\t  ' }],
      ['no content', {}],
      ['a number as content', { content: 42 }],
      ['null content', { content: null }],
      ['a list as content', { content: ['hi'] }],
      ['a client_id of 65 characters', { content: 'hi', client_id: 'c'.repeat(65) }],
      ['a client_id that is a number', { content: 'hi', client_id: 7 }],
      ['an unknown field', { content: 'hi', priority: 'high' }],
    ])('returns 400 for %s and stores nothing', async (_, body) => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);

      const res = await post(alice, id, body);

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, message: expect.anything(), error: expect.any(String) });
      expect(await rowCount('conversation_id = $1', [id])).toBe(0);
    });

    it('accepts a client_id of 64 characters', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      for (const cid of [`${randomBytes(16).toString('hex')}${'c'.repeat(32)}`, `${randomBytes(4).toString('hex')}${'🔑'.repeat(56)}`]) {
        const res = await post(alice, id, { content: 'keyed', client_id: cid });
        expect(res.status).toBe(201);
        expect(res.body.client_id).toBe(cid);
      }
    });

    it('answers a repeated client_id with 200 and the message first stored, storing nothing new', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const cid = clientId();
      const first = await post(alice, id, { content: 'original', client_id: cid });

      const again = await post(alice, id, { content: 'original', client_id: cid });
      const changed = await post(alice, id, { content: 'edited on resend', client_id: cid });

      expect(first.status).toBe(201);
      for (const resend of [again, changed]) {
        expect(resend.status).toBe(200);
        expect(Object.keys(resend.body).sort()).toEqual(MESSAGE_KEYS);
        expect(resend.body.id).toBe(first.body.id);
        expect(resend.body.content).toBe('original');
        expect(resend.body.created_at).toBe(first.body.created_at);
        expect(resend.body.client_id).toBe(cid);
      }
      expect(await rowCount('sender_id = $1 AND client_id = $2', [alice.id, cid])).toBe(1);
      expect((await all(bob, id)).map((m) => m.content)).toEqual(['original']);
    });

    it('stores two messages when two senders use the same client_id', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const cid = clientId();

      const fromAlice = await post(alice, id, { content: 'from alice', client_id: cid });
      const fromBob = await post(bob, id, { content: 'from bob', client_id: cid });

      expect(fromAlice.status).toBe(201);
      expect(fromBob.status).toBe(201);
      expect(fromBob.body.id).not.toBe(fromAlice.body.id);
      expect(fromBob.body.sender_id).toBe(bob.id);
      expect(fromBob.body.content).toBe('from bob');
      expect(await rowCount('conversation_id = $1 AND client_id = $2', [id, cid])).toBe(2);
    });

    it('stores one message when 20 requests with the same client_id arrive at once', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const cid = clientId();

      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => post(alice, id, { content: `attempt ${i}`, client_id: cid })),
      );

      const created = responses.filter((r) => r.status === 201);
      expect(created).toHaveLength(1);
      expect(responses.filter((r) => r.status === 200)).toHaveLength(19);
      for (const res of responses) {
        expect(res.body.id).toBe(created[0].body.id);
        expect(res.body.content).toBe(created[0].body.content);
      }
      expect(await rowCount('sender_id = $1 AND client_id = $2', [alice.id, cid])).toBe(1);
      expect(ids(await all(bob, id))).toEqual([created[0].body.id]);
    });

    it('returns 403 to a non-participant and stores nothing', async () => {
      const [alice, bob, mallory] = await users(3);
      const id = await startConversation(t, alice, [bob]);

      const res = await post(mallory, id, { content: 'let me in' });

      expect(res.status).toBe(403);
      expect(res.body).toEqual({ statusCode: 403, message: expect.anything(), error: expect.any(String) });
      expect(await rowCount('conversation_id = $1', [id])).toBe(0);
    });

    it('returns 404 for an unknown conversation', async () => {
      const alice = await registerUser(t, 'm');
      const res = await post(alice, randomUUID(), { content: 'anyone?' });

      expect(res.status).toBe(404);
      expect(await rowCount('sender_id = $1', [alice.id])).toBe(0);
    });

    it('returns 400 for a malformed conversation id', async () => {
      const alice = await registerUser(t, 'm');
      const res = await post(alice, 'not-a-uuid', { content: 'anyone?' });

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, message: expect.anything(), error: expect.any(String) });
    });

    it('round-trips emoji, right-to-left and combining text exactly', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const contents = [
        '👨‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 🇯🇵🇫🇷 flags, 👍🏽 skin tone',
        'مرحبا بالعالم! كيف حالك؟',
        'שלום עולם — hello in between — עברית',
        '\u202Ereversed\u202C and \u200Fmarks\u200E',
        'e\u0301 vs é, 한국어, 中文, 日本語',
        '𝕳𝖊𝖑𝖑𝖔 𝄞 astral',
        'line one\nline two\n\n  indented',
        '<script>alert("x")</script> & "quotes" \\ backslash',
      ];

      const sent: Message[] = [];
      for (const content of contents) {
        const message = await send(alice, id, content);
        expect(message.content).toBe(content);
        sent.push(message);
      }

      const received = await all(bob, id);
      expect(received.map((m) => m.content)).toEqual(contents);
      expect(ids(received)).toEqual(ids(sent));
      const conversation = await t.http().get(`/conversations/${id}`).set('Authorization', bob.auth);
      expect(conversation.body.last_message.content).toBe(contents[contents.length - 1]);
    });
  });

  describe('GET /conversations/{id}/messages', () => {
    it('returns the newest 50 messages, oldest first, without a cursor', async () => {
      const { bob, id, sent } = await conversationWithMessages(120);

      const res = await get(bob, id);

      expect(res.status).toBe(200);
      expect(ids(res.body)).toEqual(ids(sent.slice(-50)));
      expect((res.body as Message[]).map(stable)).toEqual(sent.slice(-50).map(stable));
      for (const message of res.body as Message[]) expect(Object.keys(message).sort()).toEqual(MESSAGE_KEYS);
    });

    it('returns an empty list for a conversation without messages', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);

      expect(await page(alice, id)).toEqual([]);
    });

    it('honours limit from 1 to 200', async () => {
      const { alice, id, sent } = await conversationWithMessages(120);

      expect(ids(await page(alice, id, { limit: 1 }))).toEqual(ids(sent.slice(-1)));
      expect(ids(await page(alice, id, { limit: 7 }))).toEqual(ids(sent.slice(-7)));
      expect(ids(await page(alice, id, { limit: 200 }))).toEqual(ids(sent));
      expect(ids(await page(alice, id, { limit: 3, before: sent[10].id }))).toEqual(ids(sent.slice(7, 10)));
      expect(ids(await page(alice, id, { limit: 3, after: sent[10].id }))).toEqual(ids(sent.slice(11, 14)));
    });

    it.each([['0'], ['201'], ['x'], ['-1'], ['1.5'], ['']])('returns 400 for limit=%s', async (limit) => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      await send(alice, id, 'hi');

      const res = await get(alice, id, { limit });

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ statusCode: 400, message: expect.anything(), error: expect.any(String) });
    });

    it('walks back with before, page by page, to every message exactly once in order', async () => {
      const { bob, id, sent } = await conversationWithMessages(120);

      let current = await page(bob, id);
      const pages = [current];
      while (current.length) {
        current = await page(bob, id, { before: current[0].id });
        pages.unshift(current);
      }

      expect(pages.map((p) => p.length)).toEqual([0, 20, 50, 50]);
      expect(ids(pages.flat())).toEqual(ids(sent));
      expect(pages.flat().map((m) => m.content)).toEqual(sent.map((m) => m.content));
    });

    it('walks forward with after, from the first message until an empty page, to every message exactly once in order', async () => {
      const { alice, id, sent } = await conversationWithMessages(120);
      const [first] = await page(alice, id, { limit: 1, before: sent[1].id });
      expect(first.id).toBe(sent[0].id);

      const seen: Message[] = [first];
      let cursor = first.id;
      let pages = 0;
      for (;;) {
        const next = await page(alice, id, { after: cursor });
        pages += 1;
        if (!next.length) break;
        seen.push(...next);
        cursor = next[next.length - 1].id;
      }

      expect(pages).toBe(4);
      expect(ids(seen)).toEqual(ids(sent));
      expect(seen.map((m) => m.content)).toEqual(sent.map((m) => m.content));
    });

    it('returns an empty page after the newest message and before the oldest', async () => {
      const { alice, id, sent } = await conversationWithMessages(3);

      expect(await page(alice, id, { after: sent[2].id })).toEqual([]);
      expect(await page(alice, id, { before: sent[0].id })).toEqual([]);
    });

    it('returns 400 when both before and after are given', async () => {
      const { alice, id, sent } = await conversationWithMessages(3);

      const res = await get(alice, id, { before: sent[2].id, after: sent[0].id });

      expect(res.status).toBe(400);
    });

    it.each(['before', 'after'])('returns 400 for a %s cursor that is not a message of this conversation', async (cursor) => {
      const { alice, id } = await conversationWithMessages(3);
      const otherConversation = await conversationWithMessages(1);
      const elsewhere = otherConversation.sent[0].id;

      const foreign = await get(alice, id, { [cursor]: elsewhere });
      const unknown = await get(alice, id, { [cursor]: randomUUID() });
      const malformed = await get(alice, id, { [cursor]: 'not-a-uuid' });

      for (const res of [foreign, unknown, malformed]) {
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ statusCode: 400, message: expect.anything(), error: expect.any(String) });
      }
    });

    it('returns 400 for an unknown query parameter', async () => {
      const { alice, id } = await conversationWithMessages(2);

      const res = await get(alice, id, { since: '2020-01-01T00:00:00.000Z' });

      expect(res.status).toBe(400);
    });

    it('returns 403 to a non-participant', async () => {
      const { id } = await conversationWithMessages(1);
      const mallory = await registerUser(t, 'm');

      const res = await get(mallory, id);

      expect(res.status).toBe(403);
      expect(res.body).toEqual({ statusCode: 403, message: expect.anything(), error: expect.any(String) });
      expect(JSON.stringify(res.body)).not.toContain('message 0');
    });

    it('returns 404 for an unknown conversation', async () => {
      const alice = await registerUser(t, 'm');

      const res = await get(alice, randomUUID());

      expect(res.status).toBe(404);
      expect(res.body).toEqual({ statusCode: 404, message: expect.anything(), error: expect.any(String) });
    });

    it('returns 400 for a malformed conversation id', async () => {
      const alice = await registerUser(t, 'm');

      const res = await get(alice, 'not-a-uuid');

      expect(res.status).toBe(400);
    });
  });

  describe('conversation order', () => {
    it('interleaves messages sent at the same time by two users into one order both see', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const sendMany = async (sender: TestUser, label: string) => {
        const sent: Message[] = [];
        for (let i = 0; i < 15; i += 1) sent.push(await send(sender, id, `${label} ${i}`));
        return sent;
      };

      const [fromAlice, fromBob] = await Promise.all([sendMany(alice, 'alice'), sendMany(bob, 'bob')]);

      const seenByAlice = await all(alice, id);
      const seenByBob = await all(bob, id);
      expect(seenByAlice.map(stable)).toEqual(seenByBob.map(stable));
      expect(ids(seenByAlice).sort()).toEqual([...ids(fromAlice), ...ids(fromBob)].sort());
      expect(ids(seenByAlice.filter((m) => m.sender_id === alice.id))).toEqual(ids(fromAlice));
      expect(ids(seenByAlice.filter((m) => m.sender_id === bob.id))).toEqual(ids(fromBob));
      const pagedByBob = [...(await page(bob, id, { limit: 10, before: seenByAlice[10].id })), ...(await page(bob, id, { after: seenByAlice[9].id }))];
      expect(ids(pagedByBob)).toEqual(ids(seenByAlice));
    });

    it('gives a reader paging with after while others write every message exactly once, in the final order', async () => {
      const [alice, bob, carol] = await users(3);
      const id = await startConversation(t, alice, [bob, carol], 'Busy');
      const seed = await send(alice, id, 'seed');
      const writers = [alice, bob, alice, bob];
      const sentByStream: Message[][] = writers.map(() => []);

      let writing = true;
      const write = Promise.all(
        writers.map(async (writer, stream) => {
          for (let i = 0; i < 15; i += 1) sentByStream[stream].push(await send(writer, id, `stream ${stream} #${i}`));
        }),
      ).finally(() => {
        writing = false;
      });
      const readAlong = (async () => {
        const seen: Message[] = [];
        let cursor = seed.id;
        for (;;) {
          const writerWasDone = !writing;
          const next = await page(carol, id, { after: cursor, limit: 3 });
          seen.push(...next);
          if (next.length) cursor = next[next.length - 1].id;
          else if (writerWasDone) return seen;
        }
      })();
      const [, seen] = await Promise.all([write, readAlong]);

      const everything = await all(carol, id);
      expect(everything[0].id).toBe(seed.id);
      expect(ids(seen)).toEqual(ids(everything.slice(1)));
      expect(new Set(ids(seen)).size).toBe(seen.length);
      expect(ids(seen).sort()).toEqual(ids(sentByStream.flat()).sort());
      for (const stream of sentByStream) {
        const positions = stream.map((m) => ids(everything).indexOf(m.id));
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
      }
    });
  });

  describe('status', () => {
    it('is "sent" when stored, and the sender fetching it does not make it delivered', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);

      const message = await send(alice, id, 'ping');

      expect(message.status).toBe('sent');
      expect(await statusOf(alice, id, message.id)).toBe('sent');
      expect(await statusOf(alice, id, message.id)).toBe('sent');
    });

    it('becomes "delivered" once the other participant fetches it, then "read" once they read', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const message = await send(alice, id, 'ping');

      const fetchedByBob = await all(bob, id);
      expect(ids(fetchedByBob)).toEqual([message.id]);
      expect(await statusOf(alice, id, message.id)).toBe('delivered');

      await read(bob, id);
      expect(await statusOf(alice, id, message.id)).toBe('read');
      expect(await statusOf(bob, id, message.id)).toBe('read');
    });

    it('becomes "read" when the other participant reads without fetching first', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const message = await send(alice, id, 'ping');

      await read(bob, id);

      expect(await statusOf(alice, id, message.id)).toBe('read');
    });

    it('only marks delivered the messages the other participant has fetched', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const older = await send(alice, id, 'older');
      const newer = await send(alice, id, 'newer');

      const fetched = await page(bob, id, { before: newer.id });
      expect(ids(fetched)).toEqual([older.id]);

      const statuses = new Map((await all(alice, id)).map((m) => [m.id, m.status]));
      expect(statuses.get(older.id)).toBe('delivered');
      expect(statuses.get(newer.id)).toBe('sent');
    });

    it('in a group of three, is delivered and read only once both others have', async () => {
      const [alice, bob, carol] = await users(3);
      const id = await startConversation(t, alice, [bob, carol], 'Trio');
      const message = await send(alice, id, 'hello both');

      await all(bob, id);
      expect(await statusOf(alice, id, message.id)).toBe('sent');
      await all(carol, id);
      expect(await statusOf(alice, id, message.id)).toBe('delivered');

      await read(bob, id);
      expect(await statusOf(alice, id, message.id)).toBe('delivered');
      await read(carol, id);
      expect(await statusOf(alice, id, message.id)).toBe('read');
    });

    it('judges a group message by the participants other than its sender', async () => {
      const [alice, bob, carol] = await users(3);
      const id = await startConversation(t, alice, [bob, carol], 'Trio');
      const fromBob = await send(bob, id, 'from bob');

      await read(carol, id);
      expect(await statusOf(bob, id, fromBob.id)).toBe('sent');
      await read(alice, id);
      expect(await statusOf(bob, id, fromBob.id)).toBe('read');
    });

    it('is reported the same way in the conversation’s last_message', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const message = await send(alice, id, 'ping');
      const lastMessageStatus = async () => {
        const res = await t.http().get(`/conversations/${id}`).set('Authorization', alice.auth);
        expect(res.body.last_message.id).toBe(message.id);
        return res.body.last_message.status;
      };

      expect(await lastMessageStatus()).toBe('sent');
      await all(bob, id);
      expect(await lastMessageStatus()).toBe('delivered');
      await read(bob, id);
      expect(await lastMessageStatus()).toBe('read');
    });

    it('never moves backward', async () => {
      const [alice, bob] = await users(2);
      const id = await startConversation(t, alice, [bob]);
      const cid = clientId();
      const first = await send(alice, id, 'first', cid);
      const second = await send(alice, id, 'second');
      const observed: Message['status'][] = [first.status];
      const observe = async () => observed.push(await statusOf(alice, id, first.id));

      await all(bob, id);
      await observe();
      await page(bob, id, { before: second.id });
      await observe();
      await read(bob, id);
      await observe();
      await send(alice, id, 'third');
      await page(bob, id, { limit: 1, before: second.id });
      await observe();
      await send(bob, id, 'reply');
      await observe();
      const resend = await post(alice, id, { content: 'first', client_id: cid });
      expect(resend.status).toBe(200);
      observed.push(resend.body.status);

      expect(observed).toEqual(['sent', 'delivered', 'delivered', 'read', 'read', 'read', 'read']);
    });
  });
});
