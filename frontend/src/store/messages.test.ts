import { makeMessage } from '../test-utils/fixtures';
import { createMessagesStore } from './messages';

const conversationId = 'c1';
const at = (seq: number) => makeMessage({ conversation_id: conversationId, sender_id: 'u1', seq, content: `m${seq}`, created_at: new Date(Date.UTC(2026, 10, 1, 0, seq)).toISOString() });
const thread = (store: ReturnType<typeof createMessagesStore>) => store.getState().threads[conversationId]!;
const contents = (store: ReturnType<typeof createMessagesStore>) => thread(store).items.map((m) => m.content);

describe('a thread shown around a found message', () => {
  it('holds live messages back while a gap separates it from the newest, and adds them once the pages below reach it', () => {
    const store = createMessagesStore();
    store.getState().showAround(conversationId, [at(9), at(10), at(11)], true, true, 40);
    store.getState().merge(conversationId, [at(41)]);
    expect(contents(store)).toEqual(['m9', 'm10', 'm11']);

    store.getState().appendNewer(conversationId, [at(12), at(13)], 2);
    expect(thread(store).hasNewer).toBe(true);
    store.getState().appendNewer(conversationId, [at(40)], 2);
    expect(thread(store).hasNewer).toBe(false);
    expect(contents(store)).toEqual(['m9', 'm10', 'm11', 'm12', 'm13', 'm40', 'm41']);
  });

  it('is replaced by the newest page when the chat goes back to it', () => {
    const store = createMessagesStore();
    store.getState().showAround(conversationId, [at(10)], true, true, 40);
    store.getState().setLatest(conversationId, [at(40)], 50, 40);
    expect(contents(store)).toEqual(['m40']);
    expect(thread(store).hasNewer).toBe(false);
  });
});
