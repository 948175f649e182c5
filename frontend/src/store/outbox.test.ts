import type { Message } from '../api/client';
import type { OutgoingMessageFrame } from '../realtime/RealtimeClient';
import { makeConversation, makeMessage, makePublicUser } from '../test-utils/fixtures';
import { createConversationsStore } from './conversations';
import { createMessagesStore, type ChatMessage } from './messages';
import { createOutbox } from './outbox';
import type { OutboxStorage } from './outboxStorage';

const me = makePublicUser();
const chat = makeConversation({ participants: [me, makePublicUser()] });

/** A storage in memory, as IndexedDB would hold it across a reload. */
function memoryStorage(initial: ChatMessage[] = []) {
  const kept = new Map(initial.map((m) => [m.client_id!, m]));
  const storage: OutboxStorage = {
    load: () => Promise.resolve([...kept.values()]),
    save: (message) => void kept.set(message.client_id!, message),
    remove: (clientId) => void kept.delete(clientId),
  };
  return { storage, kept: () => [...kept.keys()] };
}

function setup(storage?: OutboxStorage, history: Message[] = []) {
  const conversations = createConversationsStore();
  const messages = createMessagesStore();
  conversations.getState().setAll([chat]);
  messages.getState().setLatest(chat.id, history, 50, 0);
  const frames: OutgoingMessageFrame[] = [];
  let n = 0;
  const outbox = createOutbox({
    meId: me.id,
    conversations,
    messages,
    sendMessage: (frame) => frames.push(frame),
    newClientId: () => `client-${++n}`,
    storage,
  });
  const items = () => messages.getState().threads[chat.id]?.items ?? [];
  return { outbox, frames, items, conversations, messages };
}

describe('outbox', () => {
  it('shows a message at once, as sending and as the chat’s preview, and hands its frame on', () => {
    const { outbox, frames, items, conversations } = setup();
    outbox.send(chat.id, 'hello');
    expect(frames).toEqual([{ type: 'message', conversation_id: chat.id, content: 'hello', client_id: 'client-1' }]);
    expect(items()).toEqual([
      expect.objectContaining({ id: 'local:client-1', sender_id: me.id, content: 'hello', client_id: 'client-1', local: 'sending' }),
    ]);
    expect(conversations.getState().byId[chat.id]?.last_message?.content).toBe('hello');
    expect(conversations.getState().byId[chat.id]?.unread_count).toBe(0);
  });

  it('marks a message failed with the reason, and retries it with the same client_id', () => {
    const { outbox, frames, items } = setup();
    outbox.send(chat.id, 'hello');
    outbox.failed('client-1', 'content too long');
    expect(items()[0]).toMatchObject({ local: 'failed', error: 'content too long' });

    outbox.retry(chat.id, 'client-1');
    expect(items()[0]).toMatchObject({ local: 'sending' });
    expect(frames.map((f) => f.client_id)).toEqual(['client-1', 'client-1']);
  });

  it('forgets an acknowledged message: a late failure report changes nothing', () => {
    const { outbox, items } = setup();
    outbox.send(chat.id, 'hello');
    outbox.acknowledged('client-1');
    outbox.failed('client-1', 'No answer from the server');
    expect(items()[0]).toMatchObject({ local: 'sending' });
  });

  it('ignores a retry of a message it does not show', () => {
    const { outbox, frames } = setup();
    outbox.retry(chat.id, 'client-9');
    expect(frames).toEqual([]);
  });

  it('abandons what is on its way to a conversation the user left: failed with the reason, and named for the socket to drop', () => {
    const { outbox, items } = setup();
    outbox.send(chat.id, 'one');
    outbox.send(chat.id, 'two');
    outbox.acknowledged('client-1');
    expect(outbox.conversationOf('client-2')).toBe(chat.id);
    expect(outbox.abandon(chat.id, "You're no longer a participant")).toEqual(['client-2']);
    expect(items().map((m) => [m.content, m.local, m.error])).toEqual([
      ['one', 'sending', undefined],
      ['two', 'failed', "You're no longer a participant"],
    ]);
    expect(outbox.conversationOf('client-2')).toBeUndefined();
    expect(outbox.abandon(chat.id, 'again')).toEqual([]);
  });

  describe('across a reload (its storage)', () => {
    const unsent = (clientId: string, content: string): ChatMessage =>
      makeMessage({ id: `local:${clientId}`, conversation_id: chat.id, sender_id: me.id, content, client_id: clientId, seq: 0, version: 0 });

    it('keeps a message from its send until its ack, and one the server refused not at all', () => {
      const { storage, kept } = memoryStorage();
      const { outbox } = setup(storage);
      outbox.send(chat.id, 'one');
      outbox.send(chat.id, 'two');
      expect(kept()).toEqual(['client-1', 'client-2']);
      outbox.acknowledged('client-1');
      outbox.failed('client-2', 'forbidden');
      outbox.refused('client-2');
      expect(kept()).toEqual([]);
    });

    it('keeps a message that got no answer in time: the server may not have it', () => {
      const { storage, kept } = memoryStorage();
      const { outbox } = setup(storage);
      outbox.send(chat.id, 'anyone?');
      outbox.failed('client-1', 'No answer from the server');
      expect(kept()).toEqual(['client-1']);
    });

    it('restores what a previous page left: shown as sending, sent again with its client_id, in order', async () => {
      const { storage } = memoryStorage([unsent('old-1', 'first'), unsent('old-2', 'second')]);
      const { outbox, frames, items } = setup(storage);
      await outbox.restore();
      expect(items().map((m) => [m.content, m.local])).toEqual([
        ['first', 'sending'],
        ['second', 'sending'],
      ]);
      expect(frames.map((f) => [f.client_id, f.content])).toEqual([
        ['old-1', 'first'],
        ['old-2', 'second'],
      ]);
    });

    it('does not send again what the loaded history shows stored (its ack was lost), and forgets it', async () => {
      const { storage, kept } = memoryStorage([unsent('old-1', 'stored before the reload')]);
      const storedCopy = makeMessage({ conversation_id: chat.id, sender_id: me.id, content: 'stored before the reload', client_id: 'old-1' });
      const { outbox, frames, items } = setup(storage, [storedCopy]);
      await outbox.restore();
      expect(frames).toEqual([]);
      expect(items()).toEqual([storedCopy]);
      expect(kept()).toEqual([]);
    });
  });
});
