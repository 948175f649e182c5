import { startApp, type TestApp } from '../support/app';
import { bodyOf, chatApi, type Conversation, type Message } from '../support/chat';
import { registerUser, startConversation, type TestUser } from '../support/users';
import { WsClient } from '../support/ws';

/**
 * A row whose content cannot be decrypted (its ciphertext damaged in PostgreSQL, or sealed
 * with a key no longer configured) breaks no page: it comes back as a message flagged
 * `unavailable` with no content, wherever messages are read.
 */
describe('a message that cannot be decrypted', () => {
  let t: TestApp;
  let api: ReturnType<typeof chatApi>;
  let alice: TestUser;
  let bob: TestUser;
  let id: string;
  let sent: Message[];

  /** Flips a byte of the authentication tag: AES-GCM then refuses to open it. */
  const tamper = (messageId: string) =>
    t.db.query(`UPDATE messages SET content_ciphertext = set_byte(content_ciphertext, 13, get_byte(content_ciphertext, 13) # 255) WHERE id = $1`, [messageId]);

  beforeAll(async () => {
    t = await startApp();
    api = chatApi(t.http);
    [alice, bob] = [await registerUser(t, 'unread'), await registerUser(t, 'unread')];
    id = await startConversation(t, alice, [bob]);
    sent = [];
    for (const content of ['first', 'second', 'third']) sent.push(bodyOf<Message>(await api.send(alice, id, content), 201));
  });

  afterAll(() => t.close());

  it('comes back flagged unavailable in its history page while the rest of the page reads as usual', async () => {
    await tamper(sent[1].id);
    const page = bodyOf<Message[]>(await api.messages(bob, id), 200);
    expect(page.map((m) => [m.content, m.unavailable])).toEqual([
      ['first', undefined],
      ['', true],
      ['third', undefined],
    ]);
    // The reply preview of a message quoting it is empty, not an error.
    const reply = bodyOf<Message>(await api.send(bob, id, 'what did you say?', { reply_to_id: sent[1].id }), 201);
    expect(reply.reply_to).toEqual({ id: sent[1].id, sender_id: alice.id, preview: '', deleted: false });
  });

  it('is the conversation list’s last message, flagged, when it is the newest', async () => {
    const last = bodyOf<Message>(await api.send(alice, id, 'newest'), 201);
    await t.db.query(`UPDATE messages SET content_key_id = 'retired0000key00' WHERE id = $1`, [last.id]);
    const list = bodyOf<Conversation[]>(await api.list(bob), 200);
    expect(list.find((c) => c.id === id)?.last_message).toMatchObject({ id: last.id, content: '', unavailable: true });
    expect(bodyOf<Conversation>(await api.get(alice, id), 200).last_message).toMatchObject({ id: last.id, unavailable: true });
  });

  it('is flagged in the change feed, live on the socket after a change to it, and in the export', async () => {
    const events = bodyOf<{ events: Array<{ type: string; message?: Message }> }>(await api.events(bob, id), 200).events;
    expect(events.find((e) => e.message?.id === sent[1].id)?.message).toMatchObject({ content: '', unavailable: true });

    const socket = await WsClient.stream(t.baseUrl, bob.token);
    try {
      bodyOf<Message>(await api.react(alice, id, sent[1].id, '👍'), 200);
      const update = await socket.next((f) => f.type === 'message_updated' && f.message.id === sent[1].id);
      expect(update.message).toMatchObject({ content: '', unavailable: true, reactions: [{ emoji: '👍', count: 1 }] });
    } finally {
      await socket.close();
    }

    const exported = await t.http().get('/users/me/export').set('Authorization', bob.auth).buffer(true).parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    });
    expect(exported.status).toBe(200);
    const data = JSON.parse(exported.body as string) as { conversations: Array<{ id: string; messages: Message[] }> };
    const messages = data.conversations.find((c) => c.id === id)!.messages;
    expect(messages.find((m) => m.id === sent[1].id)).toMatchObject({ content: '', unavailable: true });
    expect(messages.find((m) => m.id === sent[0].id)).toMatchObject({ content: 'first' });
  });

  it('can be edited by its sender, which replaces the damaged content', async () => {
    const edited = bodyOf<Message>(await api.edit(alice, id, sent[1].id, 'second, again'), 200);
    expect(edited).toMatchObject({ content: 'second, again' });
    expect(edited).not.toHaveProperty('unavailable');
  });
});
