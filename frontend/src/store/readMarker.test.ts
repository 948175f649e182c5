import type { ReadFrame } from '@chatflow/protocol';
import { makeConversation, makeMessage, makePublicUser } from '../test-utils/fixtures';
import { createConversationsStore } from './conversations';
import { createMessagesStore } from './messages';
import { createReadMarker } from './readMarker';

const me = makePublicUser();
const bob = makePublicUser();
const chat = makeConversation({ participants: [me, bob], unread_count: 2, has_unread: true });
const other = makeConversation({ participants: [me, bob], unread_count: 1, has_unread: true });
// Read up to seq 2; bob's 3 and 5 are the unread ones (4 is mine).
const thread = [1, 2, 3, 4, 5].map((seq) => makeMessage({ conversation_id: chat.id, sender_id: seq === 4 ? me.id : bob.id, seq }));

function setup({ connected = true, attentive = true } = {}) {
  const conversations = createConversationsStore();
  conversations.getState().setAll([{ ...chat, last_message: thread[4] ?? null }, other]);
  const messages = createMessagesStore();
  messages.getState().setLatest(chat.id, thread, 50, 0);
  const frames: ReadFrame[] = [];
  const postRead = jest.fn((_id: string, _upTo: number) => Promise.resolve({}));
  let looking = attentive;
  const reads = createReadMarker({
    meId: me.id,
    conversations,
    messages,
    sendNow: (frame) => {
      if (connected) frames.push(frame);
      return connected;
    },
    postRead,
    attentive: () => looking,
  });
  const unread = (id: string) => conversations.getState().byId[id]?.unread_count;
  conversations.getState().setActive(chat.id);
  return { reads, frames, postRead, conversations, unread, lookAgain: () => (looking = true) };
}

describe('read marker', () => {
  it('reads up to the newest message on screen: the badge keeps the unread ones after it, the server is told how far', () => {
    const { reads, frames, postRead, unread } = setup();
    reads.showing(chat.id, 3);
    expect(unread(chat.id)).toBe(1);
    expect(frames).toEqual([{ type: 'read', conversation_id: chat.id, up_to_seq: 3 }]);
    reads.showing(chat.id, 5);
    expect(unread(chat.id)).toBe(0);
    expect(frames.at(-1)).toEqual({ type: 'read', conversation_id: chat.id, up_to_seq: 5 });
    expect(postRead).not.toHaveBeenCalled();
  });

  it('sends nothing for messages before the first unread one, or already read', () => {
    const { reads, frames, unread } = setup();
    reads.showing(chat.id, 2);
    expect(frames).toEqual([]);
    reads.showing(chat.id, 5);
    reads.showing(chat.id, 5);
    reads.showing(chat.id, 4);
    expect(frames).toHaveLength(1);
    expect(unread(chat.id)).toBe(0);
  });

  it('posts the read by REST while the socket is down', () => {
    const { reads, postRead, unread } = setup({ connected: false });
    reads.showing(chat.id, 5);
    expect(unread(chat.id)).toBe(0);
    expect(postRead).toHaveBeenCalledWith(chat.id, 5);
  });

  it('reads nothing while the user cannot see the chat, and what is on screen once they look again', () => {
    const { reads, frames, unread, lookAgain } = setup({ attentive: false });
    reads.showing(chat.id, 5);
    expect(frames).toEqual([]);
    expect(unread(chat.id)).toBe(2);
    lookAgain();
    reads.markActiveRead();
    expect(frames).toEqual([{ type: 'read', conversation_id: chat.id, up_to_seq: 5 }]);
  });

  it('reads only the open chat', () => {
    const { reads, frames, conversations, unread } = setup();
    reads.showing(chat.id, 5);
    conversations.getState().setActive(other.id);
    reads.markActiveRead();
    expect(frames).toHaveLength(1);
    expect(unread(other.id)).toBe(1);
  });

  it('keeps the badge of what another device has not read yet', () => {
    const { reads, unread } = setup();
    reads.readElsewhere(chat.id, 3);
    expect(unread(chat.id)).toBe(1);
    reads.readElsewhere(chat.id, undefined);
    expect(unread(chat.id)).toBe(0);
  });

  it('never marks a chat the user is no longer in', () => {
    const { reads, frames, conversations } = setup();
    conversations.getState().depart(chat.id, 'left');
    reads.showing(chat.id, 5);
    expect(frames).toEqual([]);
  });
});
