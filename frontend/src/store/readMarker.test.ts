import type { ReadFrame } from '@chatflow/protocol';
import { makeConversation, makePublicUser } from '../test-utils/fixtures';
import { createConversationsStore } from './conversations';
import { createReadMarker } from './readMarker';

const chat = makeConversation({ participants: [makePublicUser(), makePublicUser()], unread_count: 2, has_unread: true });
const other = makeConversation({ participants: [makePublicUser(), makePublicUser()], unread_count: 1, has_unread: true });

function setup({ connected = true, attentive = true } = {}) {
  const conversations = createConversationsStore();
  conversations.getState().setAll([chat, other]);
  const frames: ReadFrame[] = [];
  const postRead = jest.fn(() => Promise.resolve({}));
  const reads = createReadMarker({
    conversations,
    sendNow: (frame) => {
      if (connected) frames.push(frame);
      return connected;
    },
    postRead,
    attentive: () => attentive,
  });
  const unread = (id: string) => conversations.getState().byId[id]?.unread_count;
  return { reads, frames, postRead, conversations, unread };
}

describe('read marker', () => {
  it('clears the badge and sends `read` over the socket', () => {
    const { reads, frames, postRead, unread } = setup();
    reads.markRead(chat.id);
    expect(unread(chat.id)).toBe(0);
    expect(frames).toEqual([{ type: 'read', conversation_id: chat.id }]);
    expect(postRead).not.toHaveBeenCalled();
  });

  it('posts the read by REST while the socket is down', () => {
    const { reads, postRead, unread } = setup({ connected: false });
    reads.markRead(chat.id);
    expect(unread(chat.id)).toBe(0);
    expect(postRead).toHaveBeenCalledWith(chat.id);
  });

  it('marks the open chat read only when it has unread messages and the user can see it', () => {
    const unseen = setup({ attentive: false });
    unseen.conversations.getState().setActive(chat.id);
    unseen.reads.markActiveRead();
    expect(unseen.frames).toEqual([]);
    expect(unseen.unread(chat.id)).toBe(2);

    const { reads, frames, conversations, unread } = setup();
    reads.markActiveRead();
    expect(frames).toEqual([]);
    conversations.getState().setActive(chat.id);
    reads.markActiveRead();
    reads.markActiveRead();
    expect(frames).toEqual([{ type: 'read', conversation_id: chat.id }]);
    expect(unread(other.id)).toBe(1);
  });

  it('sees a new message only in the open chat, while the user is looking', () => {
    const { reads, conversations } = setup();
    conversations.getState().setActive(chat.id);
    expect(reads.seesNow(chat.id)).toBe(true);
    expect(reads.seesNow(other.id)).toBe(false);

    const away = setup({ attentive: false });
    away.conversations.getState().setActive(chat.id);
    expect(away.reads.seesNow(chat.id)).toBe(false);
  });
});
