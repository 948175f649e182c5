import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { WebSocket, type ClientOptions } from 'ws';
import type { MessageDto } from '../../backend/src/conversations/dto/message.dto';
import { startApp, TestApp } from '../support/app';
import { registerUser, startConversation, TestUser } from '../support/users';
import { Frame, WsClient } from '../support/ws';
import { MESSAGE_KEYS } from '../support/contract';

/**
 * The WebSocket endpoints of API.md ("WebSocket"), with real `ws` clients against the real
 * application on one instance: handshakes and refusals, bad frames, ack/message fan-out,
 * ordering, catch-up after a reconnect, typing, receipts, conversation_created, presence
 * and heartbeats, rate limiting.
 */

type Message = MessageDto;

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MAX_FRAME_BYTES = 64 * 1024;

const ids = (list: Array<{ id: string }>) => list.map((m) => m.id);
const clientId = () => `cid-${randomBytes(8).toString('hex')}`;
/** A message as every reader must see it (status aside, which depends on when it is read). */
const stable = (m: Message) => ({
  id: m.id,
  conversation_id: m.conversation_id,
  sender_id: m.sender_id,
  content: m.content,
  client_id: m.client_id,
  created_at: m.created_at,
});

// Frame matchers.
const isReady = (f: Frame) => f.type === 'ready';
const isError = (f: Frame) => f.type === 'error';
const isAckFor = (cid: string) => (f: Frame) => f.type === 'ack' && f.client_id === cid;
const isMessage = (messageId: string) => (f: Frame) => f.type === 'message' && f.message?.id === messageId;
const isMessageIn = (conversationId: string) => (f: Frame) => f.type === 'message' && f.message?.conversation_id === conversationId;
/** An ack or a message of the conversation: what one connection sees of the conversation's messages. */
const isStoredIn = (conversationId: string) => (f: Frame) =>
  (f.type === 'message' || f.type === 'ack') && f.message?.conversation_id === conversationId;
const isTypingOf = (userId: string) => (f: Frame) => f.type === 'typing' && f.user_id === userId;
const isPresenceOf = (userId: string, status?: 'online' | 'offline') => (f: Frame) =>
  f.type === 'presence' && f.user_id === userId && (status === undefined || f.status === status);
const isReadBy = (userId: string) => (f: Frame) => f.type === 'conversation_read' && f.user_id === userId;

// Tokens, for the refusals.
const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
function signJwt(claims: object, secret: string, alg: 'HS256' | 'HS512' = 'HS256'): string {
  const input = `${b64url({ alg, typ: 'JWT' })}.${b64url(claims)}`;
  return `${input}.${createHmac(alg === 'HS512' ? 'sha512' : 'sha256', secret).update(input).digest('base64url')}`;
}
const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Every socket a test opens, closed after it whatever happens. Tests close sockets
 * themselves when closing is part of the behaviour.
 */
const openSockets = new Set<WsClient>();
afterEach(async () => {
  const sockets = [...openSockets];
  openSockets.clear();
  await Promise.all(sockets.map((s) => s.close()));
});
const tracked = async (opening: Promise<WsClient>): Promise<WsClient> => {
  const client = await opening;
  openSockets.add(client);
  return client;
};

/** REST and WebSocket helpers bound to one running app. */
function harness(app: () => TestApp) {
  const wsBase = () => app().baseUrl.replace(/^http/, 'ws');
  const h = {
    users: (n: number, prefix = 'ws') => Promise.all(Array.from({ length: n }, () => registerUser(app(), prefix))),
    conversation: (owner: TestUser, others: TestUser[], name?: string) =>
      startConversation(app(), owner, others, others.length > 1 ? (name ?? `group ${randomBytes(3).toString('hex')}`) : name),

    /** The caller's `/ws` stream (token as a subprotocol), once `ready` arrived. */
    stream: (user: TestUser) => tracked(WsClient.stream(app().baseUrl, user.token)),
    /** The seed's `/ws/{conversation_id}/{token}`, once `ready` arrived. */
    seedSocket: (conversationId: string, user: TestUser) => tracked(WsClient.conversation(app().baseUrl, conversationId, user.token)),
    /** Any socket, resolved at the end of the handshake (before `ready`). */
    open: (path: string, protocols?: string[], options?: ClientOptions) => tracked(WsClient.open(`${wsBase()}${path}`, protocols, options)),

    sendRest: async (sender: TestUser, conversationId: string, content: string, cid?: string): Promise<Message> => {
      const res = await app()
        .http()
        .post(`/conversations/${conversationId}/messages`)
        .set('Authorization', sender.auth)
        .send(cid === undefined ? { content } : { content, client_id: cid });
      if (res.status !== 201) throw new Error(`send failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    /** Sends a message frame and resolves with its ack (or rejects with whatever error came back). */
    sendWs: async (client: WsClient, conversationId: string | undefined, content: string, cid = clientId()): Promise<Message> => {
      const mark = client.mark();
      client.send({ type: 'message', ...(conversationId ? { conversation_id: conversationId } : {}), content, client_id: cid });
      const answer = await client.nextSince(mark, (f) => isAckFor(cid)(f) || (isError(f) && f.client_id === cid));
      if (answer.type !== 'ack') throw new Error(`message refused: ${JSON.stringify(answer)}`);
      return answer.message;
    },
    page: async (reader: TestUser, conversationId: string, query: Record<string, string | number> = {}): Promise<Message[]> => {
      const res = await app().http().get(`/conversations/${conversationId}/messages`).query(query).set('Authorization', reader.auth);
      if (res.status !== 200) throw new Error(`list failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    /** The whole conversation in conversation order: the newest page, then older pages with `before`. */
    history: async (reader: TestUser, conversationId: string): Promise<Message[]> => {
      let page = await h.page(reader, conversationId, { limit: 200 });
      const all = [...page];
      while (page.length === 200) {
        page = await h.page(reader, conversationId, { limit: 200, before: page[0].id });
        all.unshift(...page);
      }
      return all;
    },
    conversationOf: async (reader: TestUser, conversationId: string) => {
      const res = await app().http().get(`/conversations/${conversationId}`).set('Authorization', reader.auth);
      if (res.status !== 200) throw new Error(`get conversation failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    },
    /** How `viewer` sees `user` over REST (PublicUser). */
    publicUser: async (viewer: TestUser, user: TestUser) => {
      const res = await app().http().get('/users/').query({ q: user.username }).set('Authorization', viewer.auth);
      if (res.status !== 200) throw new Error(`user search failed: ${res.status}`);
      const found = res.body.find((u: { id: string }) => u.id === user.id);
      if (!found) throw new Error(`user ${user.username} not found`);
      return found as { is_online: boolean; last_seen_at: string | null };
    },
    rows: async (where: string, params: unknown[]) => {
      const { rows } = await app().db.query<{ n: number }>(`SELECT count(*)::int AS n FROM messages WHERE ${where}`, params);
      return rows[0].n;
    },
  };
  return h;
}

describe('WebSocket API', () => {
  const SECRET_KEY = randomBytes(32).toString('base64url');
  let t: TestApp;
  const h = harness(() => t);

  beforeAll(async () => {
    // The frame limit is raised so that the bursts of the ordering tests are not throttled;
    // the limit itself is tested on an app of its own below.
    t = await startApp({ env: { SECRET_KEY, WS_FRAMES_PER_SECOND: '10000', WS_FRAME_BURST: '1000' } });
  });
  afterAll(() => t.close());

  /** Sends a valid message on `client` and checks it is acked and stored: the connection still works. */
  const expectStillWorks = async (client: WsClient, conversationId: string | undefined) => {
    const cid = clientId();
    const message = await h.sendWs(client, conversationId, 'still here', cid);
    expect(message).toMatchObject({ content: 'still here', client_id: cid });
    expect(client.isOpen).toBe(true);
    return message;
  };

  describe('handshake', () => {
    it('selects the chatflow.v1 subprotocol on /ws and sends ready with the user id as the first frame', async () => {
      const [alice] = await h.users(1);

      const client = await h.open('/ws', ['chatflow.v1', `bearer.${alice.token}`]);
      const ready = await client.next(isReady);

      expect(client.socket.protocol).toBe('chatflow.v1');
      expect(client.frames[0]).toBe(ready);
      expect(ready).toMatchObject({ type: 'ready', user_id: alice.id });
      expect(ready.conversation_id).toBeUndefined();
    });

    it('accepts the token as ?token= on /ws', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);

      const client = await h.open(`/ws?token=${encodeURIComponent(alice.token)}`);
      const ready = await client.next(isReady);

      expect(client.frames[0]).toBe(ready);
      expect(ready).toMatchObject({ type: 'ready', user_id: alice.id });
      expect(client.socket.protocol).toBe('');
      await expectStillWorks(client, id);
    });

    it('accepts ?token= when the client offers chatflow.v1 alone, and selects it', async () => {
      const [alice] = await h.users(1);

      const client = await h.open(`/ws?token=${encodeURIComponent(alice.token)}`, ['chatflow.v1']);

      expect(client.socket.protocol).toBe('chatflow.v1');
      expect(await client.next(isReady)).toMatchObject({ type: 'ready', user_id: alice.id });
    });

    it('opens the seed socket /ws/{conversation_id}/{token} with a ready naming the user and the conversation', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);

      const client = await h.open(`/ws/${id}/${bob.token}`);
      const ready = await client.next(isReady);

      expect(client.frames[0]).toBe(ready);
      expect(ready).toMatchObject({ type: 'ready', user_id: bob.id, conversation_id: id });
      await expectStillWorks(client, undefined);
    });

    describe('closes with 4401, after completing the handshake, when the token is', () => {
      type TokenCase = [string, (user: TestUser) => Promise<string> | string];
      const tokenCases: TokenCase[] = [
        ['garbage', () => 'not-a-jwt'],
        ['expired', (u) => signJwt({ ...claimsOf(u.token), iat: nowSeconds() - 7200, exp: nowSeconds() - 3600 }, SECRET_KEY)],
        ['forged (signed with another key)', (u) => signJwt(claimsOf(u.token), randomBytes(32).toString('base64url'))],
        ['unsigned (alg: none)', (u) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claimsOf(u.token))}.`],
        ['signed with the server key under another algorithm (HS512)', (u) => signJwt(claimsOf(u.token), SECRET_KEY, 'HS512')],
        ['tampered with (another user id, old signature)', (u) => {
          const [header, , signature] = u.token.split('.');
          return `${header}.${b64url({ ...claimsOf(u.token), sub: randomUUID() })}.${signature}`;
        }],
        ['valid but for a user id that does not exist', (u) => signJwt({ ...claimsOf(u.token), sub: randomUUID() }, SECRET_KEY)],
        ['valid but its user was deleted', async (u) => {
          await t.db.query('DELETE FROM users WHERE id = $1', [u.id]);
          return u.token;
        }],
      ];

      const expectRefused = async (client: WsClient, code: number) => {
        const closed = await client.closed;
        expect(closed.code).toBe(code);
        expect(client.frames).toEqual([]);
      };

      it.each(tokenCases)('%s, offered as a subprotocol on /ws', async (_, makeToken) => {
        const [user] = await h.users(1);
        const token = await makeToken(user);

        const client = await h.open('/ws', ['chatflow.v1', `bearer.${token}`]);

        expect(client.socket.protocol).toBe('chatflow.v1');
        await expectRefused(client, 4401);
      });

      it.each(tokenCases)('%s, given as ?token= on /ws', async (_, makeToken) => {
        const [user] = await h.users(1);
        const token = await makeToken(user);

        await expectRefused(await h.open(`/ws?token=${encodeURIComponent(token)}`), 4401);
      });

      it.each(tokenCases)('%s, on the seed socket of a conversation the user is in', async (_, makeToken) => {
        const [user, other] = await h.users(2);
        const id = await h.conversation(other, [user]);
        const token = await makeToken(user);

        await expectRefused(await h.open(`/ws/${id}/${token}`), 4401);
      });

      it('not valid percent-encoding, on the seed socket', async () => {
        const [alice, bob] = await h.users(2);
        const id = await h.conversation(alice, [bob]);

        await expectRefused(await h.open(`/ws/${id}/%E0%A4%A`), 4401);
        await expectRefused(await h.open(`/ws/${id}/${alice.token}%`), 4401);
      });

      it('missing: /ws with neither a bearer subprotocol nor ?token=', async () => {
        await expectRefused(await h.open('/ws', ['chatflow.v1']), 4401);
        await expectRefused(await h.open('/ws'), 4401);
        await expectRefused(await h.open('/ws?token='), 4401);
      });
    });

    it('closes the seed socket with 4403 when the caller is not a participant', async () => {
      const [alice, bob, eve] = await h.users(3);
      const id = await h.conversation(alice, [bob]);

      const client = await h.open(`/ws/${id}/${eve.token}`);

      expect((await client.closed).code).toBe(4403);
      expect(client.frames).toEqual([]);
    });

    it.each([
      ['an unknown conversation', () => randomUUID()],
      ['a malformed conversation id', () => 'not-a-uuid'],
      ['a conversation id with SQL in it', () => encodeURIComponent("1' OR '1'='1")],
    ])('closes the seed socket with 4404 for %s', async (_, conversationId) => {
      const [alice] = await h.users(1);

      const client = await h.open(`/ws/${conversationId()}/${alice.token}`);

      expect((await client.closed).code).toBe(4404);
      expect(client.frames).toEqual([]);
    });

    it('sends ready before answering frames the client sent while the server was still authenticating', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const cid = clientId();

      // Holding the users table locked keeps the server in the middle of authenticating the connection.
      const lock = await t.db.connect();
      let client: WsClient;
      try {
        await lock.query('BEGIN');
        await lock.query('LOCK TABLE users IN ACCESS EXCLUSIVE MODE');
        client = await h.open('/ws', ['chatflow.v1', `bearer.${alice.token}`]);
        client.send('not json');
        client.send({ type: 'message', conversation_id: id, content: 'early bird', client_id: cid });
        // The server answers a ping only after reading every frame sent before it.
        await new Promise<void>((resolve) => {
          client.socket.once('pong', () => resolve());
          client.socket.ping();
        });
      } finally {
        await lock.query('COMMIT');
        lock.release();
      }
      const ack = await client.next(isAckFor(cid));

      expect(client.frames[0]).toMatchObject({ type: 'ready', user_id: alice.id });
      expect(client.frames.filter(isError)).toEqual([expect.objectContaining({ code: 'invalid_json' })]);
      expect(ack.message).toMatchObject({ content: 'early bird', sender_id: alice.id });
    });

    it('closes with 1009 on a frame over 64 KiB, and answers one of exactly 64 KiB with an error', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const client = await h.stream(alice);
      const frameOf = (bytes: number) => {
        const empty = JSON.stringify({ type: 'message', conversation_id: id, content: '' });
        return JSON.stringify({ type: 'message', conversation_id: id, content: 'x'.repeat(bytes - Buffer.byteLength(empty)) });
      };
      expect(Buffer.byteLength(frameOf(MAX_FRAME_BYTES))).toBe(MAX_FRAME_BYTES);

      const mark = client.mark();
      client.send(frameOf(MAX_FRAME_BYTES));
      expect(await client.nextSince(mark, isError)).toMatchObject({ code: 'invalid_frame' });
      await expectStillWorks(client, id);

      client.send(frameOf(MAX_FRAME_BYTES + 1));
      expect((await client.closed).code).toBe(1009);
      expect(await h.rows('conversation_id = $1', [id])).toBe(1);
    });
  });

  describe('bad frames get an error event and the connection stays open', () => {
    type BadFrame = [string, string, (conversationId: string) => string];
    const message = (conversationId: string, fields: object) => JSON.stringify({ type: 'message', conversation_id: conversationId, ...fields });
    const badFrames: BadFrame[] = [
      ['text that is not JSON', 'invalid_json', () => '{"type": "message", "content": '],
      ['a JSON array', 'invalid_frame', (c) => JSON.stringify([{ type: 'message', conversation_id: c, content: 'hi' }])],
      ['a JSON number', 'invalid_frame', () => '42'],
      ['a JSON string', 'invalid_frame', () => '"message"'],
      ['JSON null', 'invalid_frame', () => 'null'],
      ['an object without a type', 'unknown_type', (c) => JSON.stringify({ conversation_id: c, content: 'hi' })],
      ['an unknown type', 'unknown_type', (c) => JSON.stringify({ type: 'shout', conversation_id: c, content: 'hi' })],
      ['a server event type sent by the client', 'unknown_type', (c) => JSON.stringify({ type: 'ack', conversation_id: c, client_id: 'x' })],
      ['a message with empty content', 'invalid_frame', (c) => message(c, { content: '' })],
      ['a message with white-space-only content', 'invalid_frame', (c) => message(c, { content: ' \n\t ' })],
      ['a message of 4097 characters', 'invalid_frame', (c) => message(c, { content: 'a'.repeat(4097) })],
      ['a message of 4097 emoji', 'invalid_frame', (c) => message(c, { content: '😀'.repeat(4097) })],
      ['a message without content', 'invalid_frame', (c) => message(c, {})],
      ['a message whose content is a number', 'invalid_frame', (c) => message(c, { content: 42 })],
      ['a message with an unknown field', 'invalid_frame', (c) => message(c, { content: 'hi', priority: 'high' })],
      ['a message with a client_id of 65 characters', 'invalid_frame', (c) => message(c, { content: 'hi', client_id: 'c'.repeat(65) })],
      ['a message whose client_id is a number', 'invalid_frame', (c) => message(c, { content: 'hi', client_id: 7 })],
      ['a message whose client_id has a control character', 'invalid_frame', (c) => message(c, { content: 'hi', client_id: 'a\u0000b' })],
      ['a message with an unpaired surrogate', 'invalid_frame', (c) => `{"type":"message","conversation_id":"${c}","content":"bad \\ud800 text"}`],
      ['a message without conversation_id', 'invalid_frame', () => JSON.stringify({ type: 'message', content: 'hi' })],
      ['a message with a malformed conversation_id', 'invalid_frame', () => message('not-a-uuid', { content: 'hi' })],
      ['typing without is_typing', 'invalid_frame', (c) => JSON.stringify({ type: 'typing', conversation_id: c })],
      ['typing with a string is_typing', 'invalid_frame', (c) => JSON.stringify({ type: 'typing', conversation_id: c, is_typing: 'yes' })],
      ['typing without conversation_id', 'invalid_frame', () => JSON.stringify({ type: 'typing', is_typing: true })],
      ['read without conversation_id', 'invalid_frame', () => JSON.stringify({ type: 'read' })],
      ['read with an unknown field', 'invalid_frame', (c) => JSON.stringify({ type: 'read', conversation_id: c, upto: 'now' })],
      ['read with up_to_seq 0', 'invalid_frame', (c) => JSON.stringify({ type: 'read', conversation_id: c, up_to_seq: 0 })],
    ];

    it.each(badFrames)('on /ws: %s → %s', async (_, code, frame) => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [aliceSocket, bobSocket] = await Promise.all([h.stream(alice), h.stream(bob)]);

      const mark = aliceSocket.mark();
      aliceSocket.send(frame(id));
      const error = await aliceSocket.nextSince(mark, isError);

      expect(error).toMatchObject({ type: 'error', code, detail: expect.any(String) });
      expect(error.detail.length).toBeGreaterThan(0);
      const after = await expectStillWorks(aliceSocket, id);
      // Bob's stream: the valid message is the first thing he hears of this conversation.
      const delivered = await bobSocket.next(isMessage(after.id));
      expect(bobSocket.before(delivered).filter((f) => f.type !== 'ready' && f.type !== 'presence')).toEqual([]);
      expect(await h.rows('conversation_id = $1', [id])).toBe(1);
    });

    it.each<BadFrame>([
      ['text that is not JSON', 'invalid_json', () => 'nope'],
      ['an unknown type', 'unknown_type', () => JSON.stringify({ type: 'edit', content: 'hi' })],
      ['a message with empty content', 'invalid_frame', () => JSON.stringify({ type: 'message', content: '' })],
      ['a message with an unknown field', 'invalid_frame', () => JSON.stringify({ type: 'message', content: 'hi', pinned: true })],
      ['a message naming another conversation', 'invalid_frame', () => JSON.stringify({ type: 'message', conversation_id: randomUUID(), content: 'hi' })],
      ['typing with a number is_typing', 'invalid_frame', () => JSON.stringify({ type: 'typing', is_typing: 1 })],
    ])('on the seed socket: %s → %s', async (_, code, frame) => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const client = await h.seedSocket(id, alice);

      const mark = client.mark();
      client.send(frame(id));

      expect(await client.nextSince(mark, isError)).toMatchObject({ type: 'error', code, detail: expect.any(String) });
      await expectStillWorks(client, undefined);
      expect(await h.rows('conversation_id = $1', [id])).toBe(1);
    });

    it('refuses a message naming a conversation the caller is not in with forbidden, storing and delivering nothing', async () => {
      const [alice, bob, carol] = await h.users(3);
      const theirs = await h.conversation(bob, [carol]);
      const [aliceSocket, bobSocket] = await Promise.all([h.stream(alice), h.stream(bob)]);
      const cid = clientId();

      const mark = aliceSocket.mark();
      aliceSocket.send({ type: 'message', conversation_id: theirs, content: 'let me in', client_id: cid });

      expect(await aliceSocket.nextSince(mark, isError)).toMatchObject({ type: 'error', code: 'forbidden' });
      expect(await h.rows('conversation_id = $1', [theirs])).toBe(0);
      expect(await h.rows('sender_id = $1', [alice.id])).toBe(0);
      // A later message in that conversation is the first Bob hears of it.
      const marker = await h.sendRest(carol, theirs, 'marker');
      const delivered = await bobSocket.next(isMessage(marker.id));
      expect(bobSocket.before(delivered).filter(isMessageIn(theirs))).toEqual([]);
      expect(ids(await h.history(bob, theirs))).toEqual([marker.id]);
      await expectStillWorks(aliceSocket, await h.conversation(alice, [bob]));
    });

    it('refuses typing and read in a conversation the caller is not in with forbidden, relaying nothing', async () => {
      const [alice, bob, carol] = await h.users(3);
      const theirs = await h.conversation(bob, [carol]);
      const [aliceSocket, bobSocket] = await Promise.all([h.stream(alice), h.stream(bob)]);

      let mark = aliceSocket.mark();
      aliceSocket.send({ type: 'typing', conversation_id: theirs, is_typing: true });
      expect(await aliceSocket.nextSince(mark, isError)).toMatchObject({ code: 'forbidden' });
      mark = aliceSocket.mark();
      aliceSocket.send({ type: 'read', conversation_id: theirs });
      expect(await aliceSocket.nextSince(mark, isError)).toMatchObject({ code: 'forbidden' });

      const marker = await h.sendRest(carol, theirs, 'marker');
      const delivered = await bobSocket.next(isMessage(marker.id));
      expect(bobSocket.before(delivered).filter((f) => isTypingOf(alice.id)(f) || isReadBy(alice.id)(f))).toEqual([]);
      await expectStillWorks(aliceSocket, await h.conversation(alice, [bob]));
    });

    it.each([
      ['message', (c: string) => ({ type: 'message', conversation_id: c, content: 'anyone?', client_id: clientId() })],
      ['typing', (c: string) => ({ type: 'typing', conversation_id: c, is_typing: true })],
      ['read', (c: string) => ({ type: 'read', conversation_id: c })],
    ])('answers a %s frame naming a conversation that does not exist with not_found', async (_, frame) => {
      const [alice, bob] = await h.users(2);
      const client = await h.stream(alice);
      const nowhere = randomUUID();

      const mark = client.mark();
      client.send(frame(nowhere));

      expect(await client.nextSince(mark, isError)).toMatchObject({ type: 'error', code: 'not_found' });
      expect(await h.rows('conversation_id = $1 OR sender_id = $2', [nowhere, alice.id])).toBe(0);
      await expectStillWorks(client, await h.conversation(alice, [bob]));
    });

    it('keeps answering after many bad frames in a row, in order', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const client = await h.stream(alice);
      const frames = ['x', '[]', JSON.stringify({ type: 'nope' }), JSON.stringify({ type: 'message', conversation_id: id, content: '' })];

      const mark = client.mark();
      for (const frame of frames) client.send(frame);
      const errors = await client.collect((f) => client.frames.indexOf(f) >= mark && isError(f), frames.length);

      expect(errors.map((e) => e.code)).toEqual(['invalid_json', 'invalid_frame', 'unknown_type', 'invalid_frame']);
      await expectStillWorks(client, id);
    });
  });

  describe('messages', () => {
    it('acks the sending connection with its client_id and the stored message, and pushes message to the other participant', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [aliceSocket, bobSocket] = await Promise.all([h.stream(alice), h.stream(bob)]);
      const cid = clientId();

      aliceSocket.send({ type: 'message', conversation_id: id, content: '  Hello Bob \n', client_id: cid });
      const ack = await aliceSocket.next(isAckFor(cid));
      const pushed = await bobSocket.next(isMessageIn(id));

      expect(ack).toMatchObject({ type: 'ack', client_id: cid, message: expect.any(Object) });
      expect(Object.keys(ack.message).sort()).toEqual(MESSAGE_KEYS);
      // As REST stores it: the indentation kept, the white space after it gone.
      expect(ack.message).toMatchObject({ conversation_id: id, sender_id: alice.id, content: '  Hello Bob', client_id: cid, status: 'sent' });
      expect(ack.message.created_at).toMatch(ISO_MS);
      expect(pushed).toMatchObject({ type: 'message', message: expect.any(Object) });
      expect(stable(pushed.message)).toEqual(stable(ack.message));
      const [stored] = await h.history(alice, id);
      expect(stable(stored)).toEqual(stable(ack.message));
    });

    it('acks a message sent without client_id with client_id null', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const client = await h.stream(alice);

      client.send({ type: 'message', conversation_id: id, content: 'no key' });
      const ack = await client.next((f) => f.type === 'ack');

      expect(ack.client_id).toBeNull();
      expect(ack.message).toMatchObject({ content: 'no key', client_id: null, sender_id: alice.id });
    });

    it('does not also send message to the connection that sent it', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const aliceSocket = await h.stream(alice);

      const mine = await h.sendWs(aliceSocket, id, 'mine');
      // Bob's reply reaches Alice after anything her own message could have caused.
      const reply = await h.sendRest(bob, id, 'reply');
      const replyFrame = await aliceSocket.next(isMessage(reply.id));

      expect(aliceSocket.before(replyFrame).filter(isMessage(mine.id))).toEqual([]);
      expect(aliceSocket.frames.filter((f) => f.type === 'ack')).toHaveLength(1);
    });

    it("reaches every other connection of every participant: the sender's other stream and both seed sockets", async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const sending = await h.stream(alice);
      const others = await Promise.all([h.stream(alice), h.seedSocket(id, alice), h.stream(bob), h.seedSocket(id, bob)]);

      const sent = await h.sendWs(sending, id, 'to everyone');
      const marker = await h.sendRest(bob, id, 'marker');

      for (const socket of others) {
        const markerFrame = await socket.next(isMessage(marker.id));
        const copies = socket.before(markerFrame).filter(isMessage(sent.id));
        expect(copies).toHaveLength(1);
        expect(stable(copies[0].message)).toEqual(stable(sent));
        expect(socket.frames.filter((f) => f.type === 'ack')).toEqual([]);
      }
      const markerOnSender = await sending.next(isMessage(marker.id));
      expect(sending.before(markerOnSender).filter(isMessage(sent.id))).toEqual([]);
    });

    it('sends from the seed socket: ack there, message on every other connection', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const seed = await h.seedSocket(id, alice);
      const others = await Promise.all([h.stream(alice), h.stream(bob), h.seedSocket(id, bob)]);

      const sent = await h.sendWs(seed, undefined, 'from the seed socket');

      expect(sent).toMatchObject({ conversation_id: id, sender_id: alice.id, content: 'from the seed socket' });
      for (const socket of others) expect(stable((await socket.next(isMessage(sent.id))).message)).toEqual(stable(sent));
      // Naming its own conversation is allowed too.
      expect((await h.sendWs(seed, id, 'named')).conversation_id).toBe(id);
    });

    it("pushes a message sent over REST to every connection of every participant, the sender's included", async () => {
      const [alice, bob, carol] = await h.users(3);
      const id = await h.conversation(alice, [bob, carol]);
      const sockets = await Promise.all([h.stream(alice), h.seedSocket(id, alice), h.stream(bob), h.seedSocket(id, bob), h.stream(carol)]);

      const sent = await h.sendRest(alice, id, 'over REST', clientId());

      for (const socket of sockets) {
        const frame = await socket.next(isMessage(sent.id));
        expect(frame.type).toBe('message');
        expect(stable(frame.message)).toEqual(stable(sent));
      }
      expect(sockets.flatMap((s) => s.frames).filter((f) => f.type === 'ack')).toEqual([]);
    });

    it('answers a resend with the same client_id with an ack for the message first stored, storing one row', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [first, second, bobSocket] = await Promise.all([h.stream(alice), h.stream(alice), h.stream(bob)]);
      const cid = clientId();

      const original = await h.sendWs(first, id, 'original', cid);
      const resent = await h.sendWs(first, id, 'original', cid);
      const edited = await h.sendWs(first, id, 'edited on resend', cid);
      const otherDevice = await h.sendWs(second, id, 'from another device', cid);

      for (const again of [resent, edited, otherDevice]) expect(stable(again)).toEqual(stable(original));
      expect(await h.rows('sender_id = $1 AND client_id = $2', [alice.id, cid])).toBe(1);
      const marker = await h.sendRest(bob, id, 'marker');
      const markerFrame = await bobSocket.next(isMessage(marker.id));
      expect(bobSocket.before(markerFrame).filter(isMessageIn(id)).map((f) => f.message.id)).toEqual([original.id]);
      expect((await h.history(bob, id)).map((m) => m.content)).toEqual(['original', 'marker']);
    });

    it('stores one message when two devices send the same client_id at the same moment', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [phone, laptop, bobSocket] = await Promise.all([h.stream(alice), h.stream(alice), h.stream(bob)]);
      const cid = clientId();

      const [fromPhone, fromLaptop] = await Promise.all([h.sendWs(phone, id, 'same key', cid), h.sendWs(laptop, id, 'same key', cid)]);

      expect(fromLaptop.id).toBe(fromPhone.id);
      expect(await h.rows('sender_id = $1 AND client_id = $2', [alice.id, cid])).toBe(1);
      const marker = await h.sendRest(bob, id, 'marker');
      const markerFrame = await bobSocket.next(isMessage(marker.id));
      expect(bobSocket.before(markerFrame).filter(isMessageIn(id)).map((f) => f.message.id)).toEqual([fromPhone.id]);
    });

    it('treats a conversation id written in upper case in the seed socket path as the same conversation', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const aliceSocket = await h.stream(alice);
      const seed = await h.open(`/ws/${id.toUpperCase()}/${bob.token}`);
      await seed.next(isReady);
      const cid = clientId();

      seed.send({ type: 'message', content: 'reply', client_id: cid });
      const stored = (await aliceSocket.next(isMessageIn(id))).message as Message;
      expect(stored).toMatchObject({ conversation_id: id, sender_id: bob.id, client_id: cid });
      expect(stable((await seed.next(isAckFor(cid), 2_000)).message)).toEqual(stable(stored));

      const sent = await h.sendRest(alice, id, 'hello in any case');
      expect(stable((await seed.next(isMessage(sent.id), 2_000)).message)).toEqual(stable(sent));
    });

    it('treats a conversation_id written in upper case in a /ws frame as the same conversation', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [aliceSocket, bobSeed] = await Promise.all([h.stream(alice), h.seedSocket(id, bob)]);
      const upper = id.toUpperCase();

      aliceSocket.send({ type: 'typing', conversation_id: upper, is_typing: true });
      aliceSocket.send({ type: 'read', conversation_id: upper });
      const sent = await h.sendWs(aliceSocket, upper, 'shouting the id');

      expect(sent.conversation_id).toBe(id);
      const delivered = await bobSeed.next(isMessage(sent.id));
      const before = bobSeed.before(delivered);
      expect(before.filter(isTypingOf(alice.id))).toEqual([expect.objectContaining({ conversation_id: id, is_typing: true })]);
      expect(before.filter(isReadBy(alice.id))).toEqual([expect.objectContaining({ conversation_id: id })]);
    });

    it('treats a client_id first used over REST as already sent', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const client = await h.stream(alice);
      const cid = clientId();
      const overRest = await h.sendRest(alice, id, 'via REST', cid);

      const overWs = await h.sendWs(client, id, 'via WS', cid);

      expect(stable(overWs)).toEqual(stable(overRest));
      expect(await h.rows('sender_id = $1 AND client_id = $2', [alice.id, cid])).toBe(1);
    });

    it('acks only once the message is committed: it is in REST history right after each ack', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const client = await h.stream(alice);

      for (let i = 0; i < 10; i += 1) {
        const acked = await h.sendWs(client, id, `committed ${i}`);
        const newest = await h.page(bob, id, { limit: 1 });
        expect(ids(newest)).toEqual([acked.id]);
      }
    });

    it('delivers messages of a conversation created after the stream opened', async () => {
      const [alice, bob] = await h.users(2);
      const [aliceSocket, bobSocket] = await Promise.all([h.stream(alice), h.stream(bob)]);
      const id = await h.conversation(alice, [bob]);

      const fromBob = await h.sendWs(bobSocket, id, 'hi, new conversation');
      const fromAlice = await h.sendWs(aliceSocket, id, 'hello back');

      expect(stable((await aliceSocket.next(isMessage(fromBob.id))).message)).toEqual(stable(fromBob));
      expect(stable((await bobSocket.next(isMessage(fromAlice.id))).message)).toEqual(stable(fromAlice));
    });
  });

  describe('ordering', () => {
    it('delivers a burst of 200 messages from one connection complete and in order, as REST lists them', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [aliceSocket, bobSocket, bobSeed] = await Promise.all([h.stream(alice), h.stream(bob), h.seedSocket(id, bob)]);
      const cids = Array.from({ length: 200 }, (_, i) => `burst-${i}-${randomBytes(4).toString('hex')}`);

      for (const [i, cid] of cids.entries()) aliceSocket.send({ type: 'message', conversation_id: id, content: `burst ${i}`, client_id: cid });
      const acks = await aliceSocket.collect((f) => f.type === 'ack', cids.length, 20_000);
      const onStream = await bobSocket.collect(isMessageIn(id), cids.length, 20_000);
      const onSeed = await bobSeed.collect(isMessageIn(id), cids.length, 20_000);

      expect(acks.map((a) => a.client_id)).toEqual(cids);
      expect(onStream.map((f) => f.message.client_id)).toEqual(cids);
      expect(onStream.map((f) => f.message.content)).toEqual(cids.map((_, i) => `burst ${i}`));
      const history = await h.history(bob, id);
      expect(ids(history)).toEqual(onStream.map((f) => f.message.id));
      expect(onSeed.map((f) => f.message.id)).toEqual(ids(history));
      expect(acks.map((a) => a.message.id)).toEqual(ids(history));
    });

    it('shows every connection the same order as REST when two users send at once', async () => {
      const [alice, bob, carol] = await h.users(3);
      const id = await h.conversation(alice, [bob, carol]);
      const [aliceSocket, bobSocket, carolSocket, carolSeed] = await Promise.all([
        h.stream(alice),
        h.stream(bob),
        h.stream(carol),
        h.seedSocket(id, carol),
      ]);
      const perSender = 60;

      for (let i = 0; i < perSender; i += 1) {
        aliceSocket.send({ type: 'message', conversation_id: id, content: `alice ${i}`, client_id: `a-${i}-${randomBytes(4).toString('hex')}` });
        bobSocket.send({ type: 'message', conversation_id: id, content: `bob ${i}`, client_id: `b-${i}-${randomBytes(4).toString('hex')}` });
      }
      const seen = await Promise.all(
        [aliceSocket, bobSocket, carolSocket, carolSeed].map((s) => s.collect(isStoredIn(id), 2 * perSender, 20_000)),
      );
      const history = await h.history(carol, id);

      expect(history).toHaveLength(2 * perSender);
      for (const frames of seen) expect(frames.map((f) => f.message.id)).toEqual(ids(history));
      // Each sender's messages keep the order in which its connection sent them.
      expect(history.filter((m) => m.sender_id === alice.id).map((m) => m.content)).toEqual(
        Array.from({ length: perSender }, (_, i) => `alice ${i}`),
      );
      expect(history.filter((m) => m.sender_id === bob.id).map((m) => m.content)).toEqual(
        Array.from({ length: perSender }, (_, i) => `bob ${i}`),
      );
    });
  });

  describe('catch-up after a reconnect', () => {
    it('gives a client that waits for ready and pages with after every missed message exactly once', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      let bobSocket = await h.stream(bob);
      for (let i = 0; i < 3; i += 1) await h.sendRest(alice, id, `seen live ${i}`);
      const seenLive = await bobSocket.collect(isMessageIn(id), 3);
      const lastSeen = seenLive[seenLive.length - 1].message.id as string;
      await bobSocket.close();
      openSockets.delete(bobSocket);

      // Missed while offline.
      for (let i = 0; i < 5; i += 1) await h.sendRest(alice, id, `missed ${i}`);
      // Alice keeps sending while Bob reconnects and pages, and a little after.
      let stopAfter: number | undefined;
      const sent: Message[] = [];
      const sender = (async () => {
        for (let i = 0; stopAfter === undefined || sent.length < stopAfter; i += 1) sent.push(await h.sendRest(alice, id, `during ${i}`));
      })();

      bobSocket = await h.stream(bob);
      const paged: Message[] = [];
      for (let cursor = lastSeen; ; ) {
        const page = await h.page(bob, id, { after: cursor, limit: 4 });
        if (!page.length) break;
        paged.push(...page);
        cursor = page[page.length - 1].id;
      }
      stopAfter = sent.length + 3;
      await sender;

      const history = await h.history(alice, id);
      const missed = history.slice(history.findIndex((m) => m.id === lastSeen) + 1);
      const last = missed[missed.length - 1];
      await bobSocket.next(isMessage(last.id), 10_000);
      const live = bobSocket.frames.filter(isMessageIn(id)).map((f) => f.message as Message);

      expect(missed.length).toBe(5 + sent.length);
      // Pages: no duplicate, nothing skipped, starting right after the last message seen.
      expect(ids(paged)).toEqual(ids(missed.slice(0, paged.length)));
      // Live: every message from where it starts to the end, once each, in order...
      expect(ids(live)).toEqual(ids(missed.slice(missed.length - live.length)));
      // ...starting no later than where the pages ended: no gap between the two.
      expect(missed.length - live.length).toBeLessThanOrEqual(paged.length);
      const merged = [...paged, ...live.filter((m) => !paged.some((p) => p.id === m.id))];
      expect(ids(merged)).toEqual(ids(missed));
      expect(merged.map(stable)).toEqual(missed.map(stable));
    });

    it('does not replay messages sent before the connection opened', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const old = await h.sendRest(alice, id, 'old news');

      const bobSocket = await h.stream(bob);
      const fresh = await h.sendRest(alice, id, 'fresh');
      const freshFrame = await bobSocket.next(isMessage(fresh.id));

      expect(bobSocket.before(freshFrame).filter(isMessage(old.id))).toEqual([]);
    });
  });

  describe('typing', () => {
    it('relays typing to the other participant with conversation_id, user_id and is_typing, not back to the sender', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [aliceSocket, bobSocket, bobSeed] = await Promise.all([h.stream(alice), h.stream(bob), h.seedSocket(id, bob)]);

      aliceSocket.send({ type: 'typing', conversation_id: id, is_typing: true });
      for (const socket of [bobSocket, bobSeed]) {
        expect(await socket.next(isTypingOf(alice.id))).toMatchObject({ type: 'typing', conversation_id: id, user_id: alice.id, is_typing: true });
      }
      aliceSocket.send({ type: 'typing', conversation_id: id, is_typing: false });
      for (const socket of [bobSocket, bobSeed]) {
        expect(await socket.next((f) => isTypingOf(alice.id)(f) && f.is_typing === false)).toMatchObject({ conversation_id: id });
      }

      // Bob answers once he has seen both: Alice hears him, and had not heard herself before.
      bobSocket.send({ type: 'typing', conversation_id: id, is_typing: true });
      const bobTyping = await aliceSocket.next(isTypingOf(bob.id));
      expect(bobTyping).toMatchObject({ type: 'typing', conversation_id: id, user_id: bob.id, is_typing: true });
      expect(aliceSocket.before(bobTyping).filter(isTypingOf(alice.id))).toEqual([]);
    });

    it('relays typing from the seed socket to every other participant of a group', async () => {
      const [alice, bob, carol] = await h.users(3);
      const id = await h.conversation(alice, [bob, carol]);
      const aliceSeed = await h.seedSocket(id, alice);
      const others = await Promise.all([h.stream(bob), h.stream(carol)]);

      aliceSeed.send({ type: 'typing', is_typing: true });

      for (const socket of others) {
        expect(await socket.next(isTypingOf(alice.id))).toMatchObject({ type: 'typing', conversation_id: id, user_id: alice.id, is_typing: true });
      }
      // Stores nothing.
      expect(await h.rows('conversation_id = $1', [id])).toBe(0);
    });
  });

  describe('receipts', () => {
    it('turns a read frame into conversation_read for every participant, the reader included', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [aliceSocket, bobSocket, bobSeed, aliceSeed] = await Promise.all([
        h.stream(alice),
        h.stream(bob),
        h.seedSocket(id, bob),
        h.seedSocket(id, alice),
      ]);
      const first = await h.sendWs(aliceSocket, id, 'one');
      const second = await h.sendWs(aliceSocket, id, 'two');
      expect((await h.conversationOf(bob, id)).unread_count).toBe(2);

      bobSocket.send({ type: 'read', conversation_id: id });
      const events = await Promise.all([aliceSocket, bobSocket, bobSeed, aliceSeed].map((s) => s.next(isReadBy(bob.id))));

      for (const event of events) {
        expect(event).toMatchObject({ type: 'conversation_read', conversation_id: id, user_id: bob.id, last_read_timestamp: expect.stringMatching(ISO_MS) });
        expect(event.last_read_timestamp).toBe(events[0].last_read_timestamp);
      }
      expect(Date.parse(events[0].last_read_timestamp)).toBeGreaterThanOrEqual(Date.parse(second.created_at));
      expect((await h.conversationOf(bob, id)).unread_count).toBe(0);
      expect((await h.history(alice, id)).map((m) => [m.id, m.status])).toEqual([
        [first.id, 'read'],
        [second.id, 'read'],
      ]);
    });

    it('reads up to up_to_seq only: conversation_read says how far, and later messages stay unread', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [aliceSocket, bobSocket] = await Promise.all([h.stream(alice), h.stream(bob)]);
      const first = await h.sendWs(aliceSocket, id, 'seen');
      await h.sendWs(aliceSocket, id, 'not seen yet');

      bobSocket.send({ type: 'read', conversation_id: id, up_to_seq: first.seq });

      expect(await aliceSocket.next(isReadBy(bob.id))).toMatchObject({
        conversation_id: id,
        last_read_seq: first.seq,
        last_read_timestamp: first.created_at,
      });
      expect((await h.conversationOf(bob, id)).unread_count).toBe(1);
    });

    it('turns a read on the seed socket (no conversation_id) into conversation_read', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [aliceSocket, bobSeed] = await Promise.all([h.stream(alice), h.seedSocket(id, bob)]);
      await h.sendRest(alice, id, 'read me');

      bobSeed.send({ type: 'read' });

      expect(await aliceSocket.next(isReadBy(bob.id))).toMatchObject({ conversation_id: id });
      expect(await bobSeed.next(isReadBy(bob.id))).toMatchObject({ conversation_id: id });
      expect((await h.conversationOf(bob, id)).unread_count).toBe(0);
    });

    it('sends conversation_read to every participant when a read comes over REST', async () => {
      const [alice, bob, carol] = await h.users(3);
      const id = await h.conversation(alice, [bob, carol]);
      const sockets = await Promise.all([h.stream(alice), h.seedSocket(id, alice), h.stream(bob), h.stream(carol), h.seedSocket(id, carol)]);
      await h.sendRest(alice, id, 'hello all');

      const res = await t.http().post(`/conversations/${id}/read`).set('Authorization', carol.auth);
      expect(res.status).toBe(200);

      for (const socket of sockets) {
        expect(await socket.next(isReadBy(carol.id))).toMatchObject({
          type: 'conversation_read',
          conversation_id: id,
          user_id: carol.id,
          last_read_timestamp: res.body.last_read_timestamp,
        });
      }
    });

    it("sends conversation_delivered to the sender once the recipient's connection has the message; status goes sent → delivered → read", async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const aliceSocket = await h.stream(alice);
      // Bob has no connection: the message is only stored.
      const unseen = await h.sendWs(aliceSocket, id, 'while you were away');
      expect(unseen.status).toBe('sent');
      expect((await h.history(alice, id)).map((m) => m.status)).toEqual(['sent']);

      const bobSocket = await h.stream(bob);
      const mark = aliceSocket.mark();
      const sent = await h.sendWs(aliceSocket, id, 'are you there?');
      await bobSocket.next(isMessage(sent.id));
      const delivered = await aliceSocket.nextSince(mark, (f) => f.type === 'conversation_delivered');

      expect(delivered).toMatchObject({
        type: 'conversation_delivered',
        conversation_id: id,
        user_id: bob.id,
        last_delivered_timestamp: expect.stringMatching(ISO_MS),
      });
      expect(Date.parse(delivered.last_delivered_timestamp)).toBeGreaterThanOrEqual(Date.parse(sent.created_at));
      expect((await h.history(alice, id)).find((m) => m.id === sent.id)?.status).toBe('delivered');

      bobSocket.send({ type: 'read', conversation_id: id });
      await aliceSocket.next(isReadBy(bob.id));
      expect((await h.history(alice, id)).map((m) => m.status)).toEqual(['read', 'read']);
    });

    it('does not send conversation_delivered to the recipient itself', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const [aliceSocket, bobSocket] = await Promise.all([h.stream(alice), h.stream(bob)]);

      const sent = await h.sendWs(aliceSocket, id, 'ping');
      await bobSocket.next(isMessage(sent.id));
      await aliceSocket.next((f) => f.type === 'conversation_delivered' && f.user_id === bob.id);
      const marker = await h.sendRest(alice, id, 'marker');
      const markerFrame = await bobSocket.next(isMessage(marker.id));

      expect(bobSocket.before(markerFrame).filter((f) => f.type === 'conversation_delivered')).toEqual([]);
    });
  });

  describe('conversation_created', () => {
    it("reaches every participant's /ws stream but not seed sockets, and the new conversation's messages then arrive live", async () => {
      const [alice, bob, carol] = await h.users(3);
      const existing = await h.conversation(alice, [bob]);
      const [aliceSocket, bobSocket, carolSocket, bobSeed] = await Promise.all([
        h.stream(alice),
        h.stream(bob),
        h.stream(carol),
        h.seedSocket(existing, bob),
      ]);

      const res = await t
        .http()
        .post('/conversations/')
        .set('Authorization', alice.auth)
        .send({ participant_ids: [bob.id, carol.id], name: 'Weekend plans' });
      expect(res.status).toBe(201);
      const id = res.body.id as string;

      for (const socket of [aliceSocket, bobSocket, carolSocket]) {
        const created = await socket.next((f) => f.type === 'conversation_created');
        expect(created.conversation).toMatchObject({ id, name: 'Weekend plans', is_group_chat: true });
        expect(created.conversation.participants.map((p: { id: string }) => p.id).sort()).toEqual([alice.id, bob.id, carol.id].sort());
      }
      const marker = await h.sendRest(alice, existing, 'marker');
      const markerFrame = await bobSeed.next(isMessage(marker.id));
      expect(bobSeed.before(markerFrame).filter((f) => f.type === 'conversation_created')).toEqual([]);

      const fromCarol = await h.sendWs(carolSocket, id, 'count me in');
      for (const socket of [aliceSocket, bobSocket]) {
        expect(stable((await socket.next(isMessage(fromCarol.id))).message)).toEqual(stable(fromCarol));
      }
      const overRest = await h.sendRest(bob, id, 'me too');
      for (const socket of [aliceSocket, bobSocket, carolSocket]) await socket.next(isMessage(overRest.id));
    });

    it('is not sent again when an existing one-on-one is "created" a second time', async () => {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const bobSocket = await h.stream(bob);

      const again = await t.http().post('/conversations/').set('Authorization', alice.auth).send({ participant_ids: [bob.id] });
      expect(again.status).toBe(200);
      const marker = await h.sendRest(alice, id, 'marker');
      const markerFrame = await bobSocket.next(isMessage(marker.id));

      expect(bobSocket.before(markerFrame).filter((f) => f.type === 'conversation_created')).toEqual([]);
    });
  });
});

describe('WebSocket presence and heartbeats', () => {
  const GRACE_MS = 1_000;
  const PING_INTERVAL_MS = 200;
  /** Node timers may fire a millisecond early against Date.now(). */
  const TIMER_SLACK_MS = 5;
  /** Scheduling and two queries between the timer and the event, on a busy two-core machine. */
  const MARGIN_MS = 1_500;
  let p: TestApp;
  const h = harness(() => p);

  beforeAll(async () => {
    p = await startApp({ env: { PRESENCE_GRACE_MS: String(GRACE_MS), WS_PING_INTERVAL_MS: String(PING_INTERVAL_MS) } });
  });
  afterAll(() => p.close());

  it('announces online to users sharing a conversation when the first connection opens, and only to them', async () => {
    const [alice, bob, carol] = await h.users(3);
    const id = await h.conversation(alice, [bob]);
    const bobCarol = await h.conversation(bob, [carol]);
    const [bobSocket, bobSeed] = await Promise.all([h.stream(bob), h.seedSocket(id, bob)]);
    const carolSocket = await h.stream(carol);
    await bobSocket.next(isPresenceOf(carol.id, 'online'));
    expect((await h.publicUser(bob, alice)).is_online).toBe(false);

    await h.stream(alice);

    for (const socket of [bobSocket, bobSeed]) {
      const online = await socket.next(isPresenceOf(alice.id));
      expect(online).toMatchObject({ type: 'presence', user_id: alice.id, status: 'online' });
      expect(online).toHaveProperty('last_seen_at');
    }
    // Bob's seed socket of Alice's conversation hears about Alice, not about Carol (whose online came first).
    expect(bobSeed.before(await bobSeed.next(isPresenceOf(alice.id))).filter(isPresenceOf(carol.id))).toEqual([]);
    expect((await h.publicUser(bob, alice)).is_online).toBe(true);
    const [asParticipant] = (await h.conversationOf(bob, id)).participants.filter((u: { id: string }) => u.id === alice.id);
    expect(asParticipant.is_online).toBe(true);
    // Carol shares a conversation with Bob, not with Alice: a message Bob sends after Alice's
    // online reached him reaches Carol after anything about Alice could have.
    const marker = await h.sendRest(bob, bobCarol, 'marker');
    const markerFrame = await carolSocket.next(isMessage(marker.id));
    expect(carolSocket.before(markerFrame).filter(isPresenceOf(alice.id))).toEqual([]);
  });

  it('does not flap offline/online for a second connection or a reload within the grace period', async () => {
    const [alice, bob, carol] = await h.users(3);
    const id = await h.conversation(alice, [bob]);
    await h.conversation(carol, [bob]);
    const bobSocket = await h.stream(bob);
    const first = await h.stream(alice);
    await bobSocket.next(isPresenceOf(alice.id, 'online'));

    // A second device, then the first one leaves.
    const second = await h.stream(alice);
    await first.close();
    // A reload: the last connection closes and a new one opens right away.
    await second.close();
    const reloaded = await h.stream(alice);
    // Carol comes and goes after that: her offline comes a grace period after Alice's would have.
    const carolSocket = await h.stream(carol);
    await bobSocket.next(isPresenceOf(carol.id, 'online'));
    await carolSocket.close();
    const carolOffline = await bobSocket.next(isPresenceOf(carol.id, 'offline'), GRACE_MS + 5_000);

    expect((await h.publicUser(bob, alice)).is_online).toBe(true);
    const sent = await h.sendWs(reloaded, id, 'still online');
    const sentFrame = await bobSocket.next(isMessage(sent.id));
    expect(bobSocket.before(sentFrame).filter(isPresenceOf(alice.id)).map((f) => f.status)).toEqual(['online']);
    expect(bobSocket.frames.indexOf(carolOffline)).toBeLessThan(bobSocket.frames.indexOf(sentFrame));
  });

  it('announces offline with last_seen_at once the grace period after the last connection closed has passed', async () => {
    const [alice, bob] = await h.users(2);
    const id = await h.conversation(alice, [bob]);
    const bobSocket = await h.stream(bob);
    const aliceSockets = await Promise.all([h.stream(alice), h.stream(alice)]);
    await bobSocket.next(isPresenceOf(alice.id, 'online'));
    await aliceSockets[0].close();

    const closedAt = Date.now();
    await aliceSockets[1].close();
    const offline = await bobSocket.next(isPresenceOf(alice.id, 'offline'), GRACE_MS + MARGIN_MS + 1_000);
    const receivedAt = Date.now();

    expect(receivedAt - closedAt).toBeGreaterThanOrEqual(GRACE_MS - TIMER_SLACK_MS);
    expect(receivedAt - closedAt).toBeLessThanOrEqual(GRACE_MS + MARGIN_MS);
    expect(offline).toMatchObject({ type: 'presence', user_id: alice.id, status: 'offline', last_seen_at: expect.stringMatching(ISO_MS) });
    const lastSeen = Date.parse(offline.last_seen_at);
    expect(lastSeen).toBeGreaterThanOrEqual(closedAt + GRACE_MS - TIMER_SLACK_MS);
    expect(lastSeen).toBeLessThanOrEqual(receivedAt);
    expect(bobSocket.frames.filter(isPresenceOf(alice.id)).map((f) => f.status)).toEqual(['online', 'offline']);

    expect(await h.publicUser(bob, alice)).toMatchObject({ is_online: false, last_seen_at: offline.last_seen_at });
    const [asParticipant] = (await h.conversationOf(bob, id)).participants.filter((u: { id: string }) => u.id === alice.id);
    expect(asParticipant).toMatchObject({ is_online: false, last_seen_at: offline.last_seen_at });
  });

  it('comes back online after being announced offline', async () => {
    const [alice, bob] = await h.users(2);
    await h.conversation(alice, [bob]);
    const bobSocket = await h.stream(bob);
    await (await h.stream(alice)).close();
    await bobSocket.next(isPresenceOf(alice.id, 'offline'), GRACE_MS + MARGIN_MS + 1_000);

    const mark = bobSocket.mark();
    await h.stream(alice);
    await bobSocket.nextSince(mark, isPresenceOf(alice.id, 'online'));

    expect(bobSocket.frames.filter(isPresenceOf(alice.id)).map((f) => f.status)).toEqual(['online', 'offline', 'online']);
    expect((await h.publicUser(bob, alice)).is_online).toBe(true);
  });

  it('ends on online when the user reconnects while their going offline is still being recorded', async () => {
    const [alice, bob, carol] = await h.users(3);
    const id = await h.conversation(alice, [bob]);
    await h.conversation(carol, [bob]);
    const bobSocket = await h.stream(bob);
    const first = await h.stream(alice);
    await bobSocket.next(isPresenceOf(alice.id, 'online'));
    const carolSocket = await h.stream(carol);
    await bobSocket.next(isPresenceOf(carol.id, 'online'));

    // Recording Alice's last_seen_at waits behind this row lock (reading her row does not).
    const lock = await p.db.connect();
    let again: WsClient;
    try {
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [alice.id]);
      await first.close();
      await carolSocket.close();
      // Carol left after Alice: once her offline arrives, Alice's grace period is over too.
      await bobSocket.next(isPresenceOf(carol.id, 'offline'), GRACE_MS + 5_000);
      again = await h.stream(alice);
    } finally {
      await lock.query('COMMIT');
      lock.release();
    }
    // Taking the row lock again waits for whatever write to Alice's row was queued behind it.
    const relock = await p.db.connect();
    try {
      await relock.query('BEGIN');
      await relock.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [alice.id]);
      await relock.query('COMMIT');
    } finally {
      relock.release();
    }
    const sent = await h.sendWs(again, id, 'I am back');
    const sentFrame = await bobSocket.next(isMessage(sent.id));

    const statuses = bobSocket.before(sentFrame).filter(isPresenceOf(alice.id)).map((f) => f.status);
    // Whatever Bob saw in between, the last word about Alice is that she is online.
    expect({ statuses, last: statuses[statuses.length - 1] }).toMatchObject({ last: 'online' });
    expect((await h.publicUser(bob, alice)).is_online).toBe(true);
  });

  it('drops a connection that stops answering pings, keeps one that answers, and the silent user goes offline', async () => {
    const [alice, bob] = await h.users(2);
    const id = await h.conversation(alice, [bob]);
    const bobSocket = await h.stream(bob);

    const openedAt = Date.now();
    const silent = await h.open('/ws', ['chatflow.v1', `bearer.${alice.token}`], { autoPong: false });
    await silent.next(isReady);
    await bobSocket.next(isPresenceOf(alice.id, 'online'));

    const { code } = await silent.closed;
    const droppedAt = Date.now();
    const offline = await bobSocket.next(isPresenceOf(alice.id, 'offline'), GRACE_MS + MARGIN_MS + 1_000);
    const offlineAt = Date.now();

    expect(silent.pings).toBeGreaterThanOrEqual(1);
    expect(code).toBe(1006); // terminated: no close frame
    // Dropped one unanswered ping later: after at least one interval, at most two (plus scheduling).
    expect(droppedAt - openedAt).toBeGreaterThanOrEqual(PING_INTERVAL_MS - TIMER_SLACK_MS);
    expect(droppedAt - openedAt).toBeLessThanOrEqual(2 * PING_INTERVAL_MS + MARGIN_MS);
    // Offline a grace period after the drop.
    expect(offlineAt - openedAt).toBeGreaterThanOrEqual(PING_INTERVAL_MS + GRACE_MS - TIMER_SLACK_MS);
    expect(offlineAt - droppedAt).toBeLessThanOrEqual(GRACE_MS + MARGIN_MS);
    expect((await h.publicUser(bob, alice)).last_seen_at).toBe(offline.last_seen_at);
    // Bob's client answered every ping all along: still connected and working.
    expect(bobSocket.isOpen).toBe(true);
    expect((await h.sendWs(bobSocket, id, 'alive')).content).toBe('alive');
  });
});

describe('WebSocket origins', () => {
  const CONFIGURED = 'https://chat.example.com';
  let t: TestApp;
  const h = harness(() => t);

  beforeAll(async () => {
    t = await startApp({ env: { CORS_ORIGINS: `${CONFIGURED},http://localhost:3000` } });
  });
  afterAll(() => t.close());

  const wsUrl = (path: string) => `${t.baseUrl.replace(/^http/, 'ws')}${path}`;

  /** An upgrade the server answers with something else than 101: its status and body. */
  function refusal(path: string, protocols: string[], origin: string): Promise<{ status: number; type: string; body: unknown }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl(path), protocols, { origin });
      socket.once('open', () => {
        socket.close();
        reject(new Error(`the origin ${origin} was let in`));
      });
      socket.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: JSON.parse(text) }));
      });
      socket.once('error', () => undefined);
    });
  }

  it('lets a client that sends no Origin in (not a browser: native apps, servers)', async () => {
    const [alice] = await h.users(1);
    const client = await h.open('/ws', ['chatflow.v1', `bearer.${alice.token}`]);
    expect(await client.next(isReady)).toMatchObject({ user_id: alice.id });
  });

  it('lets a page of a configured origin in, on /ws and on the seed socket', async () => {
    const [alice, bob] = await h.users(2);
    const id = await h.conversation(alice, [bob]);
    const stream = await h.open('/ws', ['chatflow.v1', `bearer.${alice.token}`], { origin: CONFIGURED });
    expect(await stream.next(isReady)).toMatchObject({ user_id: alice.id });
    const seed = await h.open(`/ws/${id}/${bob.token}`, undefined, { origin: CONFIGURED });
    expect(await seed.next(isReady)).toMatchObject({ user_id: bob.id, conversation_id: id });
  });

  it('lets a page served from the host it connects to in (the web client behind its own server)', async () => {
    const [alice] = await h.users(1);
    const client = await h.open('/ws', ['chatflow.v1', `bearer.${alice.token}`], { origin: t.baseUrl });
    expect(await client.next(isReady)).toMatchObject({ user_id: alice.id });
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a configured origin over another scheme', 'http://chat.example.com'],
    ['a configured origin on another port', 'http://localhost:3001'],
    ['a look-alike of a configured origin', 'https://chat.example.com.evil.example'],
    ['an opaque origin', 'null'],
  ])('answers %s 403 during the upgrade, before looking at the token', async (_label, origin) => {
    const [alice, bob] = await h.users(2);
    const id = await h.conversation(alice, [bob]);
    for (const [path, protocols] of [
      ['/ws', ['chatflow.v1', `bearer.${alice.token}`]],
      [`/ws?token=${encodeURIComponent(alice.token)}`, []],
      [`/ws/${id}/${alice.token}`, []],
    ] as const) {
      const answer = await refusal(path, [...protocols], origin);
      expect(answer).toEqual({
        status: 403,
        type: 'application/json; charset=utf-8',
        body: { statusCode: 403, message: 'This origin may not open a WebSocket here', error: 'Forbidden' },
      });
    }
  });
});

describe('WebSocket rate limit', () => {
  const FRAMES_PER_SECOND = 5;
  const BURST = 5;
  let r: TestApp;
  const h = harness(() => r);

  beforeAll(async () => {
    r = await startApp({ env: { WS_FRAMES_PER_SECOND: String(FRAMES_PER_SECOND), WS_FRAME_BURST: String(BURST) } });
  });
  afterAll(() => r.close());

  /** Resends a message frame (same client_id) until it is accepted; each try awaits the answer to the previous one. */
  const sendUntilAccepted = async (client: WsClient, conversationId: string, content: string): Promise<Message> => {
    const cid = clientId();
    const deadline = Date.now() + 5_000;
    for (;;) {
      const mark = client.mark();
      client.send({ type: 'message', conversation_id: conversationId, content, client_id: cid });
      const answer = await client.nextSince(mark, (f) => isAckFor(cid)(f) || (isError(f) && f.client_id === cid));
      if (answer.type === 'ack') return answer.message;
      expect(answer.code).toBe('rate_limited');
      if (Date.now() > deadline) throw new Error('still rate limited after 5 s');
    }
  };

  it('answers a flood with rate_limited errors, stores only the accepted messages and keeps the connection open', async () => {
    const [alice, bob] = await h.users(2);
    const id = await h.conversation(alice, [bob]);
    const [aliceSocket, bobSocket] = await Promise.all([h.stream(alice), h.stream(bob)]);
    const cids = Array.from({ length: 4 * BURST }, (_, i) => `flood-${i}-${randomBytes(4).toString('hex')}`);

    const startedAt = Date.now();
    for (const cid of cids) aliceSocket.send({ type: 'message', conversation_id: id, content: `flood ${cid}`, client_id: cid });
    const answers = await aliceSocket.collect((f) => (f.type === 'ack' || isError(f)) && cids.includes(f.client_id), cids.length);
    const elapsedSeconds = (Date.now() - startedAt) / 1000;

    const accepted = answers.filter((f) => f.type === 'ack').map((f) => f.client_id as string);
    const refused = answers.filter(isError);
    expect(refused.length).toBeGreaterThan(0);
    for (const error of refused) expect(error).toMatchObject({ type: 'error', code: 'rate_limited', detail: expect.any(String) });
    expect([...accepted, ...refused.map((f) => f.client_id)].sort()).toEqual([...cids].sort());
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThanOrEqual(BURST + Math.ceil(elapsedSeconds * FRAMES_PER_SECOND));

    const { rows } = await r.db.query<{ client_id: string }>('SELECT client_id FROM messages WHERE conversation_id = $1', [id]);
    expect(rows.map((row) => row.client_id).sort()).toEqual([...accepted].sort());
    expect(aliceSocket.isOpen).toBe(true);

    // Once the bucket refills, the same connection sends again; Bob got only what was stored.
    const later = await sendUntilAccepted(aliceSocket, id, 'after the flood');
    const laterFrame = await bobSocket.next(isMessage(later.id));
    expect(bobSocket.before(laterFrame).filter(isMessageIn(id)).map((f) => f.message.client_id).sort()).toEqual([...accepted].sort());
    expect(ids(await h.history(bob, id)).length).toBe(accepted.length + 1);
  });

  it('limits typing frames too, relaying only the accepted ones', async () => {
    const [alice, bob] = await h.users(2);
    const id = await h.conversation(alice, [bob]);
    const [aliceSocket, bobSocket] = await Promise.all([h.stream(alice), h.stream(bob)]);
    const count = 4 * BURST;

    const mark = aliceSocket.mark();
    for (let i = 0; i < count; i += 1) aliceSocket.send({ type: 'typing', conversation_id: id, is_typing: i % 2 === 0 });
    const refused = await aliceSocket.collect((f) => aliceSocket.frames.indexOf(f) >= mark && isError(f), 1);
    expect(refused[0]).toMatchObject({ code: 'rate_limited' });

    const later = await sendUntilAccepted(aliceSocket, id, 'marker');
    const laterFrame = await bobSocket.next(isMessage(later.id));
    const relayed = bobSocket.before(laterFrame).filter(isTypingOf(alice.id)).length;
    const limited = aliceSocket.frames.filter((f) => aliceSocket.frames.indexOf(f) >= mark && isError(f) && f.client_id === undefined);
    expect(relayed).toBeGreaterThanOrEqual(1);
    expect(relayed + limited.length).toBe(count);
    expect(aliceSocket.isOpen).toBe(true);
  });

  it('counts malformed frames against the limit too', async () => {
    const [alice, bob] = await h.users(2);
    const id = await h.conversation(alice, [bob]);
    const client = await h.stream(alice);
    const count = 4 * BURST;
    const cid = clientId();

    const mark = client.mark();
    for (let i = 0; i < count; i += 1) client.send('not json');
    client.send({ type: 'message', conversation_id: id, content: 'right after the garbage', client_id: cid });
    const answer = await client.nextSince(mark, (f) => isAckFor(cid)(f) || (isError(f) && f.client_id === cid));
    const errors = client.frames.filter((f) => client.frames.indexOf(f) >= mark && isError(f) && f.client_id === undefined);

    expect(errors.filter((e) => e.code === 'rate_limited').length).toBeGreaterThan(0);
    expect(answer).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect(await h.rows('client_id = $1', [cid])).toBe(0);
    expect(client.isOpen).toBe(true);
  });
});

describe('WebSocket shutdown', () => {
  it('closes every connection with 1001 when the server shuts down', async () => {
    const s = await startApp();
    const h = harness(() => s);
    let running = true;
    try {
      const [alice, bob] = await h.users(2);
      const id = await h.conversation(alice, [bob]);
      const sockets = await Promise.all([h.stream(alice), h.seedSocket(id, bob)]);
      await h.sendWs(sockets[0], id, 'last words');

      running = false;
      await s.close();

      for (const socket of sockets) expect((await socket.closed).code).toBe(1001);
    } finally {
      if (running) await s.close();
    }
  });
});
