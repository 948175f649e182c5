import { makeConversation, makeMessage, makePublicUser } from '../test-utils/fixtures';
import { createConversationsStore } from './conversations';

const bob = makePublicUser();
const chat = makeConversation({ participants: [bob], last_event_seq: 4 });
const at = (time: string, content: string) => makeMessage({ conversation_id: chat.id, sender_id: bob.id, content, created_at: `2026-11-24T${time}.000Z` });

describe('conversations store', () => {
  it('keeps a row that live changes took past the refreshed list (a higher last_event_seq)', () => {
    const store = createConversationsStore();
    store.getState().setAll([chat]);
    store.getState().applyMessage(at('10:00:00', 'live'), true);
    store.getState().eventApplied(chat.id, 5);
    store.getState().setAll([{ ...chat, name: 'Renamed', last_message: at('09:00:00', 'stale'), unread_count: 0 }]);
    expect(store.getState().byId[chat.id]).toMatchObject({ name: 'Renamed', unread_count: 1, last_event_seq: 5, last_message: { content: 'live' } });
  });

  it('takes the refreshed list when it is as new as the row', () => {
    const store = createConversationsStore();
    store.getState().setAll([chat]);
    store.getState().applyMessage(at('10:00:00', 'live'), true);
    store.getState().eventApplied(chat.id, 5);
    store.getState().setAll([{ ...chat, last_event_seq: 6, last_message: at('10:00:01', 'newer'), unread_count: 2, has_unread: true }]);
    expect(store.getState().byId[chat.id]).toMatchObject({ unread_count: 2, last_event_seq: 6, last_message: { content: 'newer' } });
  });

  it('keeps the newest version of the last message', () => {
    const store = createConversationsStore();
    const last = at('10:00:00', 'v1');
    store.getState().setAll([{ ...chat, last_message: { ...last, content: 'v2', version: 2 } }]);
    store.getState().applyMessage(last, false);
    store.getState().applyChange(last);
    expect(store.getState().byId[chat.id]?.last_message?.content).toBe('v2');
  });
});
