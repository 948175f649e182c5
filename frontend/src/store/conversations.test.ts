import { makeConversation, makeMessage, makePublicUser } from '../test-utils/fixtures';
import { createConversationsStore, readOnlyReason } from './conversations';

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

  it('keeps a chat the user departed from when the refreshed list lacks it, and says why it is read-only', () => {
    const store = createConversationsStore();
    const me = makePublicUser();
    const direct = makeConversation({ participants: [me, bob] });
    const group = makeConversation({ participants: [me, bob], is_group_chat: true, name: 'Trip' });
    store.getState().setAll([direct, group, chat]);
    store.getState().depart(group.id, 'left');
    store.getState().depart(group.id, 'removed');
    store.getState().setAll([direct], [chat.id]);
    expect(Object.keys(store.getState().byId).sort()).toEqual([direct.id, group.id, chat.id].sort());
    expect(readOnlyReason(store.getState(), group.id, me.id)).toBe('left');
    expect(readOnlyReason(store.getState(), direct.id, me.id)).toBeNull();
    store.getState().setBlock(bob.id, true);
    expect(readOnlyReason(store.getState(), direct.id, me.id)).toBe('blocked');
    store.getState().setBlocked([]);
    expect(readOnlyReason(store.getState(), direct.id, me.id)).toBeNull();
    store.getState().rejoined(group.id);
    expect(readOnlyReason(store.getState(), group.id, me.id)).toBeNull();
  });

  it('makes a one-on-one read-only once its other person deleted their account, blocked or not', () => {
    const store = createConversationsStore();
    const me = makePublicUser();
    const direct = makeConversation({ participants: [me, bob] });
    store.getState().setAll([direct]);
    store.getState().setBlock(bob.id, true);
    store.getState().upsert({ ...direct, participants: [me, { ...bob, username: 'deleted:3f0c2a0e6d1b4c53', full_name: null, deleted: true }] });
    expect(readOnlyReason(store.getState(), direct.id, me.id)).toBe('deleted');
    store.getState().setBlocked([]);
    expect(readOnlyReason(store.getState(), direct.id, me.id)).toBe('deleted');
  });

  it('deletes only a chat the user departed from', () => {
    const store = createConversationsStore();
    store.getState().setAll([chat]);
    store.getState().setActive(chat.id);
    store.getState().forget(chat.id);
    expect(store.getState().byId[chat.id]).toBeDefined();
    store.getState().depart(chat.id, 'removed');
    store.getState().forget(chat.id);
    expect(store.getState()).toMatchObject({ byId: {}, departures: {}, activeId: null });
  });
});
