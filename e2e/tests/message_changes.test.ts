import { randomUUID } from 'node:crypto';
import type { MessageDto } from '../../backend/src/conversations/dto/message.dto';
import { startApp, type TestApp } from '../support/app';
import { MESSAGE_KEYS } from '../support/contract';
import { registerUser, startConversation, type TestUser } from '../support/users';
import { type Frame, WsClient } from '../support/ws';

type Message = MessageDto;

/** Messages that change: edits, deletions for everyone, replies, reactions and the change feed (API.md v2). */
describe('messages that change', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const users = (n: number) => Promise.all(Array.from({ length: n }, () => registerUser(t)));

  async function send(user: TestUser, conversationId: string, content: string, extra: Record<string, unknown> = {}): Promise<Message> {
    const res = await t.http().post(`/conversations/${conversationId}/messages`).set('Authorization', user.auth).send({ content, ...extra });
    expect(res.status).toBe(201);
    return res.body as Message;
  }

  const path = (conversationId: string, messageId: string) => `/conversations/${conversationId}/messages/${messageId}`;
  const reactionPath = (conversationId: string, messageId: string, emoji: string) =>
    `${path(conversationId, messageId)}/reactions/${encodeURIComponent(emoji)}`;

  const edit = (user: TestUser, conversationId: string, messageId: string, content: unknown) =>
    t.http().patch(path(conversationId, messageId)).set('Authorization', user.auth).send({ content });
  const remove = (user: TestUser, conversationId: string, messageId: string) =>
    t.http().delete(path(conversationId, messageId)).set('Authorization', user.auth);
  const react = (user: TestUser, conversationId: string, messageId: string, emoji: string) =>
    t.http().put(reactionPath(conversationId, messageId, emoji)).set('Authorization', user.auth);
  const unreact = (user: TestUser, conversationId: string, messageId: string) =>
    t.http().delete(`${path(conversationId, messageId)}/reactions`).set('Authorization', user.auth);
  const history = async (user: TestUser, conversationId: string): Promise<Message[]> => {
    const res = await t.http().get(`/conversations/${conversationId}/messages`).set('Authorization', user.auth);
    expect(res.status).toBe(200);
    return res.body as Message[];
  };
  const events = (user: TestUser, conversationId: string, query: Record<string, string | number>) =>
    t.http().get(`/conversations/${conversationId}/events`).query(query).set('Authorization', user.auth);

  /** Two people in a one-on-one with one message from the first. */
  async function chat(): Promise<{ alice: TestUser; bob: TestUser; id: string; message: Message }> {
    const [alice, bob] = await users(2);
    const id = await startConversation(t, alice, [bob]);
    return { alice, bob, id, message: await send(alice, id, 'See you at 8') };
  }

  /** A system message written straight into the database, as the groups feature will write them. */
  async function systemMessage(conversationId: string, actorId: string): Promise<string> {
    const id = randomUUID();
    await t.db.query(
      `WITH bumped AS (
         UPDATE conversations SET last_seq = last_seq + 1, last_event_seq = last_event_seq + 1 WHERE id = $1
         RETURNING last_seq, last_event_seq)
       INSERT INTO messages (id, conversation_id, seq, event_seq, sender_id, kind, system, created_at)
       SELECT $2, $1, last_seq, last_event_seq, $3, 'system', $4, date_trunc('milliseconds', now()) FROM bumped`,
      [conversationId, id, actorId, JSON.stringify({ action: 'renamed', actor_id: actorId, user_ids: [], name: 'New name' })],
    );
    return id;
  }

  describe('a v2 message', () => {
    it('carries its position, kind, version and empty change fields when stored', async () => {
      const { message } = await chat();
      expect(Object.keys(message).sort()).toEqual(MESSAGE_KEYS);
      expect(message).toMatchObject({
        seq: 1,
        kind: 'user',
        version: 1,
        edited_at: null,
        deleted_at: null,
        reply_to: null,
        reactions: [],
        attachments: [],
        system: null,
      });
    });
  });

  describe('PATCH /conversations/{id}/messages/{message_id}', () => {
    it('replaces the text, sets edited_at and counts a version, for every reader', async () => {
      const { alice, bob, id, message } = await chat();
      const res = await edit(alice, id, message.id, '\n  See you at 9  ');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: message.id, seq: message.seq, content: '  See you at 9', version: 2, deleted_at: null });
      expect(res.body.edited_at).toEqual(expect.stringMatching(/Z$/));
      expect((await history(bob, id))[0]).toMatchObject({ content: '  See you at 9', version: 2, edited_at: res.body.edited_at });
    });

    it('overwrites the ciphertext at rest: the old text is kept nowhere', async () => {
      const { alice, id, message } = await chat();
      const [before] = (await t.db.query(`SELECT content_ciphertext FROM messages WHERE id = $1`, [message.id])).rows;
      await edit(alice, id, message.id, 'changed my mind');
      const [after] = (await t.db.query(`SELECT content_ciphertext, content_key_id FROM messages WHERE id = $1`, [message.id])).rows;
      expect(Buffer.compare(before.content_ciphertext, after.content_ciphertext)).not.toBe(0);
      expect(after.content_ciphertext.toString('utf8')).not.toContain('changed my mind');
      const copies = await t.db.query(`SELECT count(*)::int AS n FROM messages WHERE content_ciphertext = $1`, [before.content_ciphertext]);
      expect(copies.rows[0].n).toBe(0);
    });

    it('changes nothing when the text is the same (no new version)', async () => {
      const { alice, id, message } = await chat();
      const res = await edit(alice, id, message.id, message.content);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ version: 1, edited_at: null });
    });

    it('refuses anyone but the sender with 403', async () => {
      const { bob, id, message } = await chat();
      const res = await edit(bob, id, message.id, 'hijacked');
      expect(res.status).toBe(403);
      expect(res.body.message).toMatch(/sender/);
    });

    it.each([
      ['empty content', '   '],
      ['a number', 5],
      ['content over 4,096 characters', 'x'.repeat(4097)],
    ])('refuses %s with 400', async (_, content) => {
      const { alice, id, message } = await chat();
      expect((await edit(alice, id, message.id, content)).status).toBe(400);
    });

    it('refuses unknown fields with 400', async () => {
      const { alice, id, message } = await chat();
      const res = await t.http().patch(path(id, message.id)).set('Authorization', alice.auth).send({ content: 'x', sender_id: alice.id });
      expect(res.status).toBe(400);
    });

    it('answers 404 for a message that is not in this conversation, and 400 for a malformed id', async () => {
      const { alice, id } = await chat();
      const other = await chat();
      expect((await edit(alice, id, randomUUID(), 'x')).status).toBe(404);
      expect((await edit(other.alice, other.id, (await send(alice, id, 'mine')).id, 'x')).status).toBe(404);
      expect((await edit(alice, id, 'not-a-uuid', 'x')).status).toBe(400);
    });

    it('answers 403 to someone outside the conversation and 404 for a conversation that does not exist', async () => {
      const { id, message } = await chat();
      const [mallory] = await users(1);
      expect((await edit(mallory, id, message.id, 'x')).status).toBe(403);
      expect((await edit(mallory, randomUUID(), message.id, 'x')).status).toBe(404);
    });

    it('answers 409 for a deleted message and for a system message', async () => {
      const { alice, id, message } = await chat();
      await remove(alice, id, message.id);
      expect((await edit(alice, id, message.id, 'back')).status).toBe(409);
      const notice = await systemMessage(id, alice.id);
      expect((await edit(alice, id, notice, 'x')).status).toBe(409);
    });

    describe('the edit window (MESSAGE_EDIT_WINDOW_SECONDS, default 900 s, plus 60 s of grace)', () => {
      const sentAgo = (messageId: string, seconds: number) =>
        t.db.query(`UPDATE messages SET created_at = created_at - make_interval(secs => $2) WHERE id = $1`, [messageId, seconds]);

      it('still takes an edit started in time that arrives within the grace', async () => {
        const { alice, id, message } = await chat();
        await sentAgo(message.id, 930);
        expect((await edit(alice, id, message.id, 'just in time')).status).toBe(200);
      });

      it('refuses an edit past window and grace with 403, saying how long the window is', async () => {
        const { alice, id, message } = await chat();
        await sentAgo(message.id, 961);
        const res = await edit(alice, id, message.id, 'too late');
        expect(res.status).toBe(403);
        expect(res.body.message).toBe('A message can be edited for 15 minutes after it was sent');
      });
    });
  });

  describe('DELETE /conversations/{id}/messages/{message_id}', () => {
    it('leaves a tombstone that keeps id, seq, sender and time, for everyone', async () => {
      const { alice, bob, id, message } = await chat();
      const res = await remove(alice, id, message.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: message.id,
        seq: message.seq,
        sender_id: alice.id,
        created_at: message.created_at,
        content: '',
        reactions: [],
        attachments: [],
        reply_to: null,
        version: 2,
      });
      expect(res.body.deleted_at).toEqual(expect.stringMatching(/Z$/));
      expect((await history(bob, id))[0]).toEqual({ ...res.body, status: expect.any(String) });
    });

    it('purges the content, the reply link and the reactions at rest in the same transaction', async () => {
      const { alice, bob, id, message } = await chat();
      const reply = await send(alice, id, 'a reply', { reply_to_id: message.id });
      await react(bob, id, reply.id, '👍');
      await remove(alice, id, reply.id);
      const { rows } = await t.db.query(`SELECT content_ciphertext, content_key_id, reply_to_id, deleted_at FROM messages WHERE id = $1`, [reply.id]);
      expect(rows[0]).toMatchObject({ content_ciphertext: null, content_key_id: null, reply_to_id: null });
      expect(rows[0].deleted_at).toBeInstanceOf(Date);
      const reactions = await t.db.query(`SELECT count(*)::int AS n FROM message_reactions WHERE message_id = $1`, [reply.id]);
      expect(reactions.rows[0].n).toBe(0);
    });

    it('answers the same tombstone when repeated, without a new version', async () => {
      const { alice, id, message } = await chat();
      const first = await remove(alice, id, message.id);
      const again = await remove(alice, id, message.id);
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
    });

    it('refuses anyone but the sender with 403', async () => {
      const { bob, id, message } = await chat();
      expect((await remove(bob, id, message.id)).status).toBe(403);
    });

    it('refuses the sender past MESSAGE_DELETE_WINDOW_SECONDS (default 48 h) with 403', async () => {
      const { alice, id, message } = await chat();
      await t.db.query(`UPDATE messages SET created_at = created_at - interval '48 hours 1 second' WHERE id = $1`, [message.id]);
      const res = await remove(alice, id, message.id);
      expect(res.status).toBe(403);
      expect(res.body.message).toBe('A message can be deleted for everyone for 48 hours after it was sent');
    });

    it('answers 404 for an unknown message, 403 outside the conversation, 409 for a system message', async () => {
      const { alice, id, message } = await chat();
      const [mallory] = await users(1);
      expect((await remove(alice, id, randomUUID())).status).toBe(404);
      expect((await remove(mallory, id, message.id)).status).toBe(403);
      expect((await remove(alice, id, await systemMessage(id, alice.id))).status).toBe(409);
    });

    it('takes the message out of the unread count and shows the tombstone as the last message', async () => {
      const { alice, bob, id, message } = await chat();
      await remove(alice, id, message.id);
      const res = await t.http().get(`/conversations/${id}`).set('Authorization', bob.auth);
      expect(res.body).toMatchObject({ unread_count: 0, has_unread: false, last_message: { id: message.id, content: '', deleted_at: expect.any(String) } });
    });
  });

  describe('replies', () => {
    it('quote the original as it is now: its first 200 characters, its edit, then its deletion', async () => {
      const { alice, bob, id, message } = await chat();
      const long = await send(bob, id, `${'🙂'.repeat(150)}${'x'.repeat(100)}`);
      const reply = await send(alice, id, 'yes', { reply_to_id: message.id });
      expect(reply.reply_to).toEqual({ id: message.id, sender_id: alice.id, preview: 'See you at 8', deleted: false });
      const toLong = await send(alice, id, 'long one', { reply_to_id: long.id });
      expect(toLong.reply_to?.preview).toBe(`${'🙂'.repeat(150)}${'x'.repeat(50)}`);

      await edit(alice, id, message.id, 'See you at 9');
      expect((await history(bob, id)).find((m) => m.id === reply.id)?.reply_to).toMatchObject({ preview: 'See you at 9', deleted: false });
      await remove(alice, id, message.id);
      expect((await history(bob, id)).find((m) => m.id === reply.id)?.reply_to).toEqual({
        id: message.id,
        sender_id: alice.id,
        preview: '',
        deleted: true,
      });
    });

    it('refuses a reply to a message of another conversation, to a system message, or a malformed id with 400', async () => {
      const { alice, id } = await chat();
      const elsewhere = await chat();
      const post = (body: Record<string, unknown>) => t.http().post(`/conversations/${id}/messages`).set('Authorization', alice.auth).send(body);
      expect((await post({ content: 'x', reply_to_id: elsewhere.message.id })).status).toBe(400);
      expect((await post({ content: 'x', reply_to_id: randomUUID() })).status).toBe(400);
      expect((await post({ content: 'x', reply_to_id: 'nope' })).status).toBe(400);
      expect((await post({ content: 'x', reply_to_id: await systemMessage(id, alice.id) })).status).toBe(400);
    });

    it('come over a WebSocket frame too, in the ack and the other side’s message', async () => {
      const { alice, bob, id, message } = await chat();
      const [aliceWs, bobWs] = await Promise.all([WsClient.stream(t.baseUrl, alice.token), WsClient.stream(t.baseUrl, bob.token)]);
      try {
        aliceWs.send({ type: 'message', conversation_id: id, content: 'on the socket', client_id: 'reply-1', reply_to_id: message.id });
        const ack = await aliceWs.next((f) => f.type === 'ack' && f.client_id === 'reply-1');
        expect(ack.message.reply_to).toMatchObject({ id: message.id, preview: 'See you at 8' });
        expect(ack.event_seq).toBe(2);
        const received = await bobWs.next((f) => f.type === 'message' && f.message.id === ack.message.id);
        expect(received).toEqual({ type: 'message', message: ack.message, event_seq: 2 });

        aliceWs.send({ type: 'message', conversation_id: id, content: 'bad', client_id: 'reply-2', reply_to_id: randomUUID() });
        const error = await aliceWs.next((f) => f.type === 'error' && f.client_id === 'reply-2');
        expect(error.code).toBe('invalid_frame');
      } finally {
        await Promise.all([aliceWs.close(), bobWs.close()]);
      }
    });
  });

  describe('reactions', () => {
    it('keep one per person: a new emoji replaces theirs, the same one again changes nothing', async () => {
      const { alice, bob, id, message } = await chat();
      const first = await react(bob, id, message.id, '👍');
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ version: 2, reactions: [{ emoji: '👍', count: 1, user_ids: [bob.id] }] });
      const same = await react(bob, id, message.id, '👍');
      expect(same.body.version).toBe(2);
      const replaced = await react(bob, id, message.id, '❤️');
      expect(replaced.body).toMatchObject({ version: 3, reactions: [{ emoji: '❤️', count: 1, user_ids: [bob.id] }] });
      const rows = await t.db.query(`SELECT count(*)::int AS n FROM message_reactions WHERE message_id = $1`, [message.id]);
      expect(rows.rows[0].n).toBe(1);
      expect((await history(alice, id))[0].reactions).toEqual([{ emoji: '❤️', count: 1, user_ids: [bob.id] }]);
    });

    it('are grouped by emoji, largest count first, earliest first within one', async () => {
      const [alice, bob, carol, dave] = await users(4);
      const id = await startConversation(t, alice, [bob, carol, dave], 'Reactors');
      const message = await send(alice, id, 'vote');
      await react(bob, id, message.id, '😂');
      await react(carol, id, message.id, '👍🏽');
      const larger = await react(dave, id, message.id, '👍🏽');
      expect(larger.body.reactions).toEqual([
        { emoji: '👍🏽', count: 2, user_ids: [carol.id, dave.id] },
        { emoji: '😂', count: 1, user_ids: [bob.id] },
      ]);
      const tied = await react(alice, id, message.id, '😂');
      expect(tied.body.reactions).toEqual([
        { emoji: '😂', count: 2, user_ids: [bob.id, alice.id] },
        { emoji: '👍🏽', count: 2, user_ids: [carol.id, dave.id] },
      ]);
    });

    it.each(['a', '👍👍', ':)', '1', '👍 '])('refuse %j with 400', async (emoji) => {
      const { bob, id, message } = await chat();
      expect((await react(bob, id, message.id, emoji)).status).toBe(400);
    });

    it('answer 409 on a deleted or system message, 403 outside the conversation, 404 for an unknown message', async () => {
      const { alice, bob, id, message } = await chat();
      const [mallory] = await users(1);
      expect((await react(mallory, id, message.id, '👍')).status).toBe(403);
      expect((await react(bob, id, randomUUID(), '👍')).status).toBe(404);
      expect((await react(bob, id, await systemMessage(id, alice.id), '👍')).status).toBe(409);
      await remove(alice, id, message.id);
      expect((await react(bob, id, message.id, '👍')).status).toBe(409);
    });

    it('are taken back with DELETE, which also answers 200 when there was none', async () => {
      const { bob, id, message } = await chat();
      await react(bob, id, message.id, '🙏');
      const res = await unreact(bob, id, message.id);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ reactions: [], version: 3 });
      const again = await unreact(bob, id, message.id);
      expect(again.status).toBe(200);
      expect(again.body.version).toBe(3);
    });
  });

  describe('the change feed', () => {
    it('numbers every change without gaps and returns each as the event that announced it', async () => {
      const { alice, bob, id, message } = await chat();
      const second = await send(bob, id, 'two');
      await edit(alice, id, message.id, 'one, edited');
      await react(bob, id, message.id, '👍');
      await remove(bob, id, second.id);
      const res = await events(alice, id, { after: 0 });
      expect(res.status).toBe(200);
      expect(res.body.last_event_seq).toBe(5);
      expect(res.body.events.map((e: Frame) => [e.event_seq, e.type, e.message.id])).toEqual([
        [1, 'message', message.id],
        [2, 'message', second.id],
        [3, 'message_updated', message.id],
        [4, 'message_updated', message.id],
        [5, 'message_deleted', second.id],
      ]);
      // Each shows its message as it is now: the old text is kept nowhere.
      expect(res.body.events[0].message).toMatchObject({ content: 'one, edited', version: 3 });
      expect(res.body.events[4]).toEqual({ type: 'message_deleted', conversation_id: id, event_seq: 5, message: expect.objectContaining({ content: '' }) });
      const list = await t.http().get('/conversations/').set('Authorization', bob.auth);
      expect(list.body.find((c: { id: string }) => c.id === id).last_event_seq).toBe(5);
    });

    it('pages with after and limit', async () => {
      const { alice, id } = await chat();
      for (let i = 0; i < 4; i++) await send(alice, id, `m${i}`);
      const first = await events(alice, id, { after: 1, limit: 2 });
      expect(first.body.events.map((e: Frame) => e.event_seq)).toEqual([2, 3]);
      const rest = await events(alice, id, { after: 3, limit: 2 });
      expect(rest.body.events.map((e: Frame) => e.event_seq)).toEqual([4, 5]);
      const none = await events(alice, id, { after: 5 });
      expect(none.body).toEqual({ events: [], last_event_seq: 5 });
    });

    it.each([
      ['no after', {}],
      ['a negative after', { after: -1 }],
      ['a fraction', { after: '1.5' }],
      ['limit 0', { after: 0, limit: 0 }],
      ['limit over 500', { after: 0, limit: 501 }],
    ])('refuses %s with 400', async (_, query) => {
      const { alice, id } = await chat();
      expect((await events(alice, id, query)).status).toBe(400);
    });

    it('answers 403 outside the conversation and 404 for a conversation that does not exist', async () => {
      const { id } = await chat();
      const [mallory] = await users(1);
      expect((await events(mallory, id, { after: 0 })).status).toBe(403);
      expect((await events(mallory, randomUUID(), { after: 0 })).status).toBe(404);
    });

    it('lets a client that was away catch up on the edits, deletions and reactions it missed', async () => {
      const { alice, bob, id, message } = await chat();
      // Bob applied the first message (change 1), then went offline.
      const applied = (await t.http().get(`/conversations/${id}`).set('Authorization', bob.auth)).body.last_event_seq as number;
      expect(applied).toBe(1);
      const later = await send(alice, id, 'while you were away');
      await edit(alice, id, message.id, 'See you at 9');
      await react(alice, id, later.id, '😮');
      await remove(alice, id, later.id);

      const conversation = (await t.http().get(`/conversations/${id}`).set('Authorization', bob.auth)).body;
      expect(conversation.last_event_seq).toBe(5);
      const missed = (await events(bob, id, { after: applied })).body.events as Frame[];
      expect(missed.map((e) => e.type)).toEqual(['message', 'message_updated', 'message_updated', 'message_deleted']);
      // Applied in order, newest version winning, they end where the server is.
      const state = new Map<string, Message>();
      for (const e of missed) if ((state.get(e.message.id)?.version ?? 0) <= e.message.version) state.set(e.message.id, e.message);
      const now = await history(bob, id);
      for (const m of now) if (state.has(m.id)) expect({ ...state.get(m.id), status: m.status }).toEqual(m);
    });
  });

  describe('live', () => {
    it('reaches every other connection as message_updated and message_deleted, in change order, on both endpoints', async () => {
      const { alice, bob, id, message } = await chat();
      const [bobStream, bobSocket, aliceOther] = await Promise.all([
        WsClient.stream(t.baseUrl, bob.token),
        WsClient.conversation(t.baseUrl, id, bob.token),
        WsClient.stream(t.baseUrl, alice.token),
      ]);
      try {
        await edit(alice, id, message.id, 'edited live');
        await react(bob, id, message.id, '❤️');
        await remove(alice, id, message.id);
        for (const client of [bobStream, bobSocket, aliceOther]) {
          const changes = await client.collect((f) => f.type === 'message_updated' || f.type === 'message_deleted', 3);
          expect(changes.map((f) => [f.type, f.event_seq, f.message.version, f.conversation_id])).toEqual([
            ['message_updated', 2, 2, id],
            ['message_updated', 3, 3, id],
            ['message_deleted', 4, 4, id],
          ]);
          expect(changes[0].message.content).toBe('edited live');
          expect(changes[2].message).toMatchObject({ content: '', reactions: [] });
        }
      } finally {
        await Promise.all([bobStream.close(), bobSocket.close(), aliceOther.close()]);
      }
    });

    it('settles concurrent edits of one message: versions are distinct and the newest wins everywhere', async () => {
      const { alice, bob, id, message } = await chat();
      const bobWs = await WsClient.stream(t.baseUrl, bob.token);
      try {
        const texts = Array.from({ length: 8 }, (_, i) => `take ${i}`);
        const results = await Promise.all(texts.map((text) => edit(alice, id, message.id, text)));
        expect(results.every((r) => r.status === 200)).toBe(true);
        const versions = results.map((r) => r.body.version as number);
        expect(new Set(versions).size).toBe(texts.length);
        const updates = await bobWs.collect((f) => f.type === 'message_updated', texts.length);
        expect(updates.map((f) => f.event_seq)).toEqual(updates.map((_, i) => i + 2));
        // Each event shows the version its own change made, so the last one is the newest.
        expect(updates.map((f) => f.message.version)).toEqual(updates.map((_, i) => i + 2));
        const newest = updates[updates.length - 1].message;
        expect(newest.version).toBe(Math.max(...versions));
        const [stored] = await history(bob, id);
        expect(stored).toMatchObject({ content: newest.content, version: newest.version });
      } finally {
        await bobWs.close();
      }
    });
  });
});
