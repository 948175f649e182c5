import type { ConversationChangeEvent } from '@chatflow/protocol';
import { ApiError, type Conversation, type EventsPage, type Message } from '../api/client';
import { makeConversation, makeMessage, makePublicUser, makeSystemMessage } from '../test-utils/fixtures';
import { createTestMembership, createTestRouter } from '../test-utils/testRouter';
import { createCatchUp, EVENTS_PAGE_SIZE } from './catchUp';
import { createChatStores } from './chatStores';
import { PAGE_SIZE } from './messages';

const me = makePublicUser();
const bob = makePublicUser({ is_online: true });
const opened = makeConversation({ participants: [me, bob], last_event_seq: 2 });
const quiet = makeConversation({ participants: [me, bob], last_event_seq: 5 });
const unopened = makeConversation({ participants: [me, makePublicUser()], last_event_seq: 9 });

const inOpened = (id: string, overrides: Partial<Message> = {}) =>
  makeMessage({ id, conversation_id: opened.id, sender_id: bob.id, content: id, created_at: `2026-11-24T10:00:0${id.slice(1)}.000Z`, ...overrides });

/** A server's change feed: the events of each conversation, numbered, paged as GET …/events pages them. */
function fakeFeed(events: Record<string, ConversationChangeEvent[]>) {
  return jest.fn((id: string, { after, limit = 100 }: { after: number; limit?: number }): Promise<EventsPage> => {
    const all = events[id] ?? [];
    return Promise.resolve({
      events: all.filter((e) => e.event_seq > after).slice(0, limit),
      last_event_seq: all[all.length - 1]?.event_seq ?? 0,
    });
  });
}

interface Setup {
  list?: Conversation[];
  feed?: Record<string, ConversationChangeEvent[]>;
  getConversation?: (id: string) => Promise<Conversation>;
}

function setup({ list = [opened, quiet, unopened], feed = {}, getConversation }: Setup = {}) {
  const stores = createChatStores();
  const listConversations = jest.fn(() => Promise.resolve(list));
  const listEvents = fakeFeed(feed);
  const listMessages = jest.fn((): Promise<Message[]> => Promise.resolve([]));
  const onCaughtUp = jest.fn();
  const membership = createTestMembership(stores, me.id, getConversation);
  const catchUp = createCatchUp({
    meId: me.id,
    api: { listConversations, listEvents, listMessages },
    stores,
    apply: createTestRouter(stores, me.id, membership),
    onCaughtUp,
    membership,
  });
  const items = () => stores.messages.getState().threads[opened.id]?.items ?? [];
  return { catchUp, stores, listConversations, listEvents, listMessages, onCaughtUp, items };
}

describe('createCatchUp', () => {
  it('loads the list and the presence of everyone in it but me', async () => {
    const { catchUp, stores } = setup();
    await catchUp.loadList();
    expect(Object.keys(stores.conversations.getState().byId)).toEqual([opened.id, quiet.id, unopened.id]);
    expect(stores.presence.getState().users[bob.id]).toEqual({ online: true, lastSeenAt: null });
    expect(stores.presence.getState().users[me.id]).toBeUndefined();
  });

  it('after ready, applies every change a loaded chat missed — new messages, edits, reactions, deletions — through the event router', async () => {
    const m1 = inOpened('m1');
    const m2 = inOpened('m2');
    const m3 = inOpened('m3', { content: 'm3 edited', edited_at: '2026-11-24T10:01:00.000Z', version: 2 });
    const reply = inOpened('m4', { reply_to: { id: m2.id, sender_id: bob.id, preview: '', deleted: true } });
    const reacted = { ...m1, version: 2, reactions: [{ emoji: '👍', count: 1, user_ids: [bob.id] }] };
    const tombstone = { ...m2, content: '', deleted_at: '2026-11-24T10:02:00.000Z', version: 2 };
    const feed: ConversationChangeEvent[] = [
      { type: 'message', message: m1, event_seq: 1 },
      { type: 'message', message: m2, event_seq: 2 },
      // Each shows its message as it is now: m3 was edited after it was sent.
      { type: 'message', message: m3, event_seq: 3 },
      { type: 'message_updated', conversation_id: opened.id, message: m3, event_seq: 4 },
      { type: 'message_updated', conversation_id: opened.id, message: reacted, event_seq: 5 },
      { type: 'message', message: reply, event_seq: 6 },
      { type: 'message_deleted', conversation_id: opened.id, message: tombstone, event_seq: 7 },
    ];
    const listed = { ...opened, last_event_seq: 7, last_message: reply, unread_count: 2, has_unread: true };
    const { catchUp, stores, listEvents, onCaughtUp, items } = setup({ list: [listed, quiet, unopened], feed: { [opened.id]: feed } });
    stores.conversations.getState().setAll([opened, quiet, unopened]);
    stores.messages.getState().setLatest(opened.id, [m1, m2], PAGE_SIZE, 2);
    stores.messages.getState().setLatest(quiet.id, [], PAGE_SIZE, 5);

    await catchUp.run();

    expect(listEvents.mock.calls).toEqual([[opened.id, { after: 2, limit: EVENTS_PAGE_SIZE }]]);
    expect(items().map((m) => [m.content, m.version])).toEqual([
      ['m1', 2],
      ['', 2],
      ['m3 edited', 2],
      ['m4', 1],
    ]);
    expect(items()[0]?.reactions).toEqual([{ emoji: '👍', count: 1, user_ids: [bob.id] }]);
    expect(items()[3]?.reply_to).toEqual({ id: m2.id, sender_id: bob.id, preview: '', deleted: true });
    expect(stores.messages.getState().threads[opened.id]?.eventSeq).toBe(7);
    // The list counted those messages already; going over them again adds nothing.
    expect(stores.conversations.getState().byId[opened.id]).toMatchObject({ unread_count: 2, last_event_seq: 7 });
    expect(stores.messages.getState().threads[unopened.id]).toBeUndefined();
    expect(onCaughtUp).toHaveBeenCalledTimes(1);
  });

  it('pages until it reaches the last_event_seq of the page', async () => {
    const feed: ConversationChangeEvent[] = Array.from({ length: EVENTS_PAGE_SIZE + 1 }, (_, i) => ({
      type: 'message',
      message: makeMessage({ conversation_id: opened.id, sender_id: bob.id, content: `n${i}` }),
      event_seq: i + 3,
    }));
    const { catchUp, stores, listEvents, items } = setup({ list: [{ ...opened, last_event_seq: EVENTS_PAGE_SIZE + 3 }], feed: { [opened.id]: feed } });
    stores.conversations.getState().setAll([opened]);
    stores.messages.getState().setLatest(opened.id, [], PAGE_SIZE, 2);
    await catchUp.run();
    expect(listEvents.mock.calls.map(([, query]) => query.after)).toEqual([2, EVENTS_PAGE_SIZE + 2]);
    expect(items()).toHaveLength(EVENTS_PAGE_SIZE + 1);
    expect(stores.messages.getState().threads[opened.id]?.eventSeq).toBe(EVENTS_PAGE_SIZE + 3);
  });

  it('reloads the newest page when the server no longer keeps the changes after the thread’s number (410)', async () => {
    const { catchUp, stores, listEvents, listMessages, items } = setup({ list: [{ ...opened, last_event_seq: 40 }] });
    stores.conversations.getState().setAll([opened]);
    stores.messages.getState().setLatest(opened.id, [inOpened('m1')], PAGE_SIZE, 2);
    listEvents.mockRejectedValueOnce(new ApiError(410, 'Gone'));
    listMessages.mockResolvedValueOnce([inOpened('m8'), inOpened('m9')]);
    await catchUp.run();
    expect(listMessages).toHaveBeenCalledWith(opened.id, { limit: PAGE_SIZE });
    expect(items().map((m) => m.id)).toEqual(['m8', 'm9']);
    expect(stores.messages.getState().threads[opened.id]?.eventSeq).toBe(40);
  });

  it('gives up quietly when a request fails, and tries again on the next ready', async () => {
    const { catchUp, listConversations, onCaughtUp } = setup();
    listConversations.mockRejectedValueOnce(new Error('offline'));
    await expect(catchUp.run()).resolves.toBeUndefined();
    expect(onCaughtUp).not.toHaveBeenCalled();
    await catchUp.run();
    expect(onCaughtUp).toHaveBeenCalledTimes(1);
  });

  it('applies a rename and membership change it missed through the event router, moving the thread past it', async () => {
    const group = makeConversation({ participants: [me, bob], is_group_chat: true, name: 'Trip', last_event_seq: 2 });
    const carol = makePublicUser({ full_name: 'Carol' });
    const now = { ...group, name: 'Trip to Rome', participants: [me, bob, carol], last_event_seq: 5 };
    const added = makeSystemMessage(group.id, bob.id, 'member_added', [carol.id]);
    const feed: ConversationChangeEvent[] = [
      { type: 'message', message: added, event_seq: 3 },
      // Each shows the conversation as the user sees it now.
      { type: 'conversation_updated', conversation_id: group.id, event_seq: 4, conversation: now },
      { type: 'conversation_updated', conversation_id: group.id, event_seq: 5, conversation: now },
    ];
    const { catchUp, stores } = setup({ list: [now], feed: { [group.id]: feed } });
    stores.conversations.getState().setAll([group]);
    stores.messages.getState().setLatest(group.id, [], PAGE_SIZE, 2);
    await catchUp.run();
    expect(stores.messages.getState().threads[group.id]).toMatchObject({ eventSeq: 5, items: [added] });
    expect(stores.conversations.getState().byId[group.id]).toMatchObject({ name: 'Trip to Rome', last_event_seq: 5 });
    expect(stores.conversations.getState().byId[group.id]?.participants.map((p) => p.id)).toEqual([me.id, bob.id, carol.id]);
  });

  it('keeps a chat the list no longer has, read-only once the server says the user is out (403), and pages nothing of it', async () => {
    const group = makeConversation({ participants: [me, bob], is_group_chat: true, name: 'Gone', last_event_seq: 2 });
    const getConversation = jest.fn(() => Promise.reject<Conversation>(new ApiError(403, 'You are not a participant of this conversation')));
    const { catchUp, stores, listEvents, onCaughtUp } = setup({ list: [opened], getConversation });
    stores.conversations.getState().setAll([opened, group]);
    stores.messages.getState().setLatest(group.id, [], PAGE_SIZE, 1);
    await catchUp.run();
    expect(getConversation).toHaveBeenCalledWith(group.id);
    expect(stores.conversations.getState().byId[group.id]).toMatchObject({ name: 'Gone' });
    expect(stores.conversations.getState().departures[group.id]).toBe('removed');
    expect(listEvents).not.toHaveBeenCalledWith(group.id, expect.anything());
    expect(onCaughtUp).toHaveBeenCalled();
  });

  it('keeps a chat the list does not have yet (created after the list was read) when the server says the user is in it', async () => {
    const fresh = makeConversation({ participants: [me, bob], last_event_seq: 1 });
    const getConversation = jest.fn(() => Promise.resolve({ ...fresh, last_event_seq: 2 }));
    const { catchUp, stores } = setup({ list: [opened], getConversation });
    stores.conversations.getState().upsert(fresh);
    await catchUp.run();
    expect(stores.conversations.getState().byId[fresh.id]?.last_event_seq).toBe(2);
    expect(stores.conversations.getState().departures[fresh.id]).toBeUndefined();
  });

  it('takes a 403 on the events of a group for a removal it did not hear of, and still catches up the others', async () => {
    const group = makeConversation({ participants: [me, bob], is_group_chat: true, name: 'Trip', last_event_seq: 2 });
    const getConversation = jest.fn(() => Promise.reject<Conversation>(new ApiError(403, 'You are not a participant of this conversation')));
    const { catchUp, stores, listEvents, onCaughtUp } = setup({
      list: [{ ...group, last_event_seq: 3 }, { ...opened, last_event_seq: 3 }],
      feed: { [opened.id]: [{ type: 'message', message: inOpened('m3'), event_seq: 3 }] },
      getConversation,
    });
    stores.conversations.getState().setAll([group, opened]);
    stores.messages.getState().setLatest(group.id, [], PAGE_SIZE, 2);
    stores.messages.getState().setLatest(opened.id, [], PAGE_SIZE, 2);
    const feedOf = listEvents.getMockImplementation()!;
    listEvents.mockImplementation((id, query) =>
      id === group.id ? Promise.reject(new ApiError(403, 'You are not a participant of this conversation')) : feedOf(id, query),
    );
    await catchUp.run();
    expect(stores.conversations.getState().departures[group.id]).toBe('removed');
    expect(stores.messages.getState().threads[opened.id]?.eventSeq).toBe(3);
    expect(onCaughtUp).toHaveBeenCalled();
  });
});
