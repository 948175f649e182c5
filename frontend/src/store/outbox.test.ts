import type { OutgoingMessageFrame } from '../realtime/RealtimeClient';
import { makeConversation, makePublicUser } from '../test-utils/fixtures';
import { createConversationsStore } from './conversations';
import { createMessagesStore } from './messages';
import { createOutbox } from './outbox';

const me = makePublicUser();
const chat = makeConversation({ participants: [me, makePublicUser()] });

function setup() {
  const conversations = createConversationsStore();
  const messages = createMessagesStore();
  conversations.getState().setAll([chat]);
  messages.getState().setLatest(chat.id, [], 50, 0);
  const frames: OutgoingMessageFrame[] = [];
  let n = 0;
  const outbox = createOutbox({
    meId: me.id,
    conversations,
    messages,
    sendMessage: (frame) => frames.push(frame),
    newClientId: () => `client-${++n}`,
  });
  const items = () => messages.getState().threads[chat.id]?.items ?? [];
  return { outbox, frames, items, conversations };
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
});
