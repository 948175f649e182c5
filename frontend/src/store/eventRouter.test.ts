import type { EventOf, ServerEvent } from '@chatflow/protocol';
import { ApiError, type Conversation } from '../api/client';
import { makeConversation, makeMessage, makePublicUser, makeSystemMessage } from '../test-utils/fixtures';
import { createTestMembership, createTestRouter } from '../test-utils/testRouter';
import { createChatStores } from './chatStores';
import { chatEventHandlers, createEventRouter } from './eventRouter';
import { createMembership } from './membership';
import { PAGE_SIZE } from './messages';

describe('createEventRouter', () => {
  it('hands each event to the handler of its type and ignores the types it has none for', () => {
    const presence = jest.fn<void, [EventOf<'presence'>]>();
    const typing = jest.fn<void, [EventOf<'typing'>]>();
    const route = createEventRouter({ presence, typing });
    const online: ServerEvent = { type: 'presence', user_id: 'u1', status: 'online', last_seen_at: null };
    route(online);
    route({ type: 'ready', user_id: 'me' });
    expect(presence).toHaveBeenCalledWith(online);
    expect(typing).not.toHaveBeenCalled();
  });
});

describe('chat event handlers', () => {
  const me = makePublicUser();
  const bob = makePublicUser();
  const chat = makeConversation({ participants: [me, bob] });
  const other = makeConversation({ participants: [me, bob] });
  const fromBob = (conversation: Conversation, content = 'hi') =>
    makeMessage({ conversation_id: conversation.id, sender_id: bob.id, content, created_at: '2026-11-24T10:00:00.000Z' });

  function setup({ sees = false } = {}) {
    const stores = createChatStores();
    stores.conversations.getState().setAll([chat, other]);
    const deps = {
      getConversation: jest.fn((id: string) => Promise.resolve(makeConversation({ id, participants: [me, bob] }))),
      show: jest.fn<void, [string, string, boolean]>(),
      acknowledged: jest.fn<void, [string | null]>(),
      seesNow: jest.fn<boolean, [string]>(() => sees),
      markActiveRead: jest.fn<void, []>(),
      readElsewhere: jest.fn<void, [string, number | undefined]>(),
    };
    const route = createEventRouter(
      chatEventHandlers({
        meId: me.id,
        api: { getConversation: deps.getConversation },
        stores,
        typing: { show: deps.show },
        outbox: { acknowledged: deps.acknowledged, conversationOf: () => undefined, refused: jest.fn() },
        reads: { seesNow: deps.seesNow, markActiveRead: deps.markActiveRead, readElsewhere: deps.readElsewhere },
        membership: createTestMembership(stores, me.id),
      }),
    );
    const conversation = (id: string) => stores.conversations.getState().byId[id];
    return { route, stores, deps, conversation };
  }

  it('counts a message from someone else as unread, ends their typing and adds it to a loaded chat', () => {
    const { route, stores, deps, conversation } = setup();
    stores.messages.getState().setLatest(chat.id, [], PAGE_SIZE, 0);
    const message = fromBob(chat);
    route({ type: 'message', message, event_seq: 1 });
    expect(conversation(chat.id)).toMatchObject({ unread_count: 1, last_message: message });
    expect(deps.show).toHaveBeenCalledWith(chat.id, bob.id, false);
    expect(stores.messages.getState().threads[chat.id]?.items).toEqual([message]);

    route({ type: 'message', message: fromBob(other), event_seq: 1 });
    expect(stores.messages.getState().threads[other.id]).toBeUndefined();
  });

  it('counts a message arriving in the open chat as unread: it is read once the view shows it on screen', () => {
    const { route, conversation } = setup({ sees: true });
    route({ type: 'message', message: fromBob(chat), event_seq: 1 });
    expect(conversation(chat.id)?.unread_count).toBe(1);
  });

  it('settles an ack in the outbox and shows the stored message, never as unread', () => {
    const { route, deps, conversation } = setup();
    const mine = makeMessage({ conversation_id: chat.id, sender_id: me.id, client_id: 'client-1' });
    route({ type: 'ack', client_id: 'client-1', message: mine, event_seq: 1 });
    expect(deps.acknowledged).toHaveBeenCalledWith('client-1');
    expect(conversation(chat.id)).toMatchObject({ unread_count: 0, last_message: mine });
    expect(deps.show).not.toHaveBeenCalled();
  });

  it('fetches the conversation of a message it has not heard of', async () => {
    const { route, deps, conversation } = setup();
    const unknown = makeConversation({ participants: [me, bob] });
    deps.getConversation.mockResolvedValueOnce(unknown);
    route({ type: 'message', message: fromBob(unknown), event_seq: 1 });
    expect(deps.getConversation).toHaveBeenCalledWith(unknown.id);
    await Promise.resolve();
    expect(conversation(unknown.id)).toEqual(unknown);
  });

  it('adds a conversation created elsewhere, with its participants’ presence', () => {
    const { route, stores, conversation } = setup();
    const carol = makePublicUser({ is_online: true });
    const fresh = makeConversation({ participants: [me, carol], is_group_chat: true, name: 'New group' });
    route({ type: 'conversation_created', conversation: fresh });
    expect(conversation(fresh.id)?.name).toBe('New group');
    expect(stores.presence.getState().users[carol.id]?.online).toBe(true);
    expect(stores.presence.getState().users[me.id]).toBeUndefined();
  });

  it('hands a read on my other device to the read marker, and records the receipts of others', () => {
    const { route, stores, deps } = setup();
    route({ type: 'conversation_read', conversation_id: chat.id, user_id: me.id, last_read_timestamp: '2026-11-24T10:00:00.000Z', last_read_seq: 4 });
    expect(deps.readElsewhere).toHaveBeenCalledWith(chat.id, 4);

    route({ type: 'conversation_delivered', conversation_id: chat.id, user_id: bob.id, last_delivered_timestamp: '2026-11-24T10:00:01.000Z' });
    route({ type: 'conversation_read', conversation_id: chat.id, user_id: bob.id, last_read_timestamp: '2026-11-24T10:00:02.000Z' });
    expect(stores.conversations.getState().receipts[chat.id]?.[bob.id]).toEqual({
      delivered: '2026-11-24T10:00:01.000Z',
      read: '2026-11-24T10:00:02.000Z',
    });
    expect(stores.conversations.getState().receipts[chat.id]?.[me.id]).toBeUndefined();
  });

  it('records presence, and shows the typing of others but not my own from another device', () => {
    const { route, stores, deps } = setup();
    route({ type: 'presence', user_id: bob.id, status: 'offline', last_seen_at: '2026-11-24T09:00:00.000Z' });
    expect(stores.presence.getState().users[bob.id]).toEqual({ online: false, lastSeenAt: '2026-11-24T09:00:00.000Z' });

    route({ type: 'typing', conversation_id: chat.id, user_id: me.id, is_typing: true });
    route({ type: 'typing', conversation_id: chat.id, user_id: bob.id, is_typing: true });
    expect(deps.show.mock.calls).toEqual([[chat.id, bob.id, true]]);
  });
});

describe('chat event handlers: messages that change', () => {
  const me = makePublicUser();
  const bob = makePublicUser();
  const chat = makeConversation({ participants: [me, bob], last_event_seq: 2 });

  function setup() {
    const stores = createChatStores();
    const original = makeMessage({ conversation_id: chat.id, sender_id: bob.id, content: 'See you at 8', created_at: '2026-11-24T10:00:00.000Z' });
    const reply = makeMessage({
      conversation_id: chat.id,
      sender_id: me.id,
      content: 'Great',
      created_at: '2026-11-24T10:01:00.000Z',
      reply_to: { id: original.id, sender_id: bob.id, preview: 'See you at 8', deleted: false },
    });
    stores.conversations.getState().setAll([{ ...chat, last_message: reply }]);
    stores.messages.getState().setLatest(chat.id, [original, reply], PAGE_SIZE, 2);
    const route = createTestRouter(stores, me.id);
    const items = () => stores.messages.getState().threads[chat.id]?.items ?? [];
    const row = () => stores.conversations.getState().byId[chat.id];
    return { stores, route, original, reply, items, row };
  }

  it('applies an edit, and the reply quoting it shows the new text', () => {
    const { route, original, items } = setup();
    const edited = { ...original, content: 'See you at 9', edited_at: '2026-11-24T10:02:00.000Z', version: 2 };
    route({ type: 'message_updated', conversation_id: chat.id, event_seq: 3, message: edited });
    expect(items().map((m) => m.content)).toEqual(['See you at 9', 'Great']);
    expect(items()[1]?.reply_to).toEqual({ id: original.id, sender_id: bob.id, preview: 'See you at 9', deleted: false });
  });

  it('applies a deletion: the tombstone replaces the message and the reply quotes a deleted message', () => {
    const { route, original, items, row } = setup();
    const tombstone = { ...original, content: '', deleted_at: '2026-11-24T10:02:00.000Z', version: 2 };
    route({ type: 'message_deleted', conversation_id: chat.id, event_seq: 3, message: tombstone });
    expect(items()[0]).toMatchObject({ content: '', deleted_at: tombstone.deleted_at });
    expect(items()[1]?.reply_to).toEqual({ id: original.id, sender_id: bob.id, preview: '', deleted: true });
    expect(row()?.last_message?.reply_to?.deleted).toBe(true);
  });

  it('never lets an older version overwrite a newer one: live, from REST or from a catch-up', () => {
    const { stores, route, original, items } = setup();
    const v2 = { ...original, content: 'v2', version: 2 };
    const v3 = { ...original, content: 'v3', version: 3 };
    route({ type: 'message_updated', conversation_id: chat.id, event_seq: 4, message: v3 });
    route({ type: 'message_updated', conversation_id: chat.id, event_seq: 3, message: v2 });
    expect(items()[0]?.content).toBe('v3');
    stores.messages.getState().merge(chat.id, [v2]);
    stores.messages.getState().prependOlder(chat.id, [original], PAGE_SIZE);
    expect(items()[0]).toMatchObject({ content: 'v3', version: 3 });
    expect(items()[1]?.reply_to?.preview).toBe('v3');
  });

  it('changes the chat list preview when the last message is edited, or deleted', () => {
    const { route, reply, row } = setup();
    route({ type: 'message_updated', conversation_id: chat.id, event_seq: 3, message: { ...reply, content: 'Great!', version: 2 } });
    expect(row()?.last_message?.content).toBe('Great!');
    route({ type: 'message_deleted', conversation_id: chat.id, event_seq: 4, message: { ...reply, content: '', deleted_at: '2026-11-24T10:03:00.000Z', reply_to: null, version: 3 } });
    expect(row()?.last_message).toMatchObject({ content: '', deleted_at: '2026-11-24T10:03:00.000Z' });
    expect(row()?.last_event_seq).toBe(4);
  });

  it('updates the quote of a loaded reply when the message it quotes is not loaded', () => {
    const { stores, route, items } = setup();
    const unloaded = makeMessage({ conversation_id: chat.id, sender_id: bob.id, content: 'long ago', created_at: '2026-11-01T10:00:00.000Z' });
    const quoting = makeMessage({
      conversation_id: chat.id,
      sender_id: me.id,
      created_at: '2026-11-24T10:05:00.000Z',
      reply_to: { id: unloaded.id, sender_id: bob.id, preview: 'long ago', deleted: false },
    });
    stores.messages.getState().merge(chat.id, [quoting]);
    route({ type: 'message_updated', conversation_id: chat.id, event_seq: 3, message: { ...unloaded, content: 'not so long ago', version: 2 } });
    expect(items().map((m) => m.id)).not.toContain(unloaded.id);
    expect(items()[2]?.reply_to?.preview).toBe('not so long ago');
  });

  it('counts the changes a loaded chat applied: its number moves on only without a gap', () => {
    const { stores, route, original, row } = setup();
    const thread = () => stores.messages.getState().threads[chat.id];
    route({ type: 'message_updated', conversation_id: chat.id, event_seq: 3, message: { ...original, version: 2 } });
    expect(thread()?.eventSeq).toBe(3);
    route({ type: 'message_updated', conversation_id: chat.id, event_seq: 5, message: { ...original, version: 4 } });
    expect(thread()?.eventSeq).toBe(3);
    expect(row()?.last_event_seq).toBe(5);
  });

  it('a message the chat list already counted (a catch-up going over it) adds nothing to the badge', () => {
    const { route, row } = setup();
    route({ type: 'message', event_seq: 2, message: makeMessage({ conversation_id: chat.id, sender_id: bob.id, created_at: '2026-11-24T09:00:00.000Z' }) });
    expect(row()?.unread_count).toBe(0);
    route({ type: 'message', event_seq: 3, message: makeMessage({ conversation_id: chat.id, sender_id: bob.id, created_at: '2026-11-24T11:00:00.000Z' }) });
    expect(row()?.unread_count).toBe(1);
  });
});

describe('chat event handlers: groups that change', () => {
  const me = makePublicUser({ role: 'admin' });
  const owner = makePublicUser({ full_name: 'Olga', role: 'owner' });
  const bob = makePublicUser({ full_name: 'Bob' });
  const carol = makePublicUser({ full_name: 'Carol' });
  const group = makeConversation({ participants: [owner, me, bob], is_group_chat: true, name: 'Trip', last_event_seq: 4 });

  function setup({ sees = false, getConversation = jest.fn(() => new Promise<Conversation>(() => undefined)) } = {}) {
    const stores = createChatStores();
    stores.conversations.getState().setAll([group]);
    stores.messages.getState().setLatest(group.id, [], PAGE_SIZE, 4);
    const forget = jest.fn<void, [string]>();
    const abandon = jest.fn<void, [string]>();
    const markActiveRead = jest.fn<void, []>();
    const membership = createMembership({ meId: me.id, api: { getConversation }, stores, typing: { forget }, abandon });
    const route = createEventRouter(
      chatEventHandlers({
        meId: me.id,
        api: { getConversation },
        stores,
        typing: { show: jest.fn() },
        outbox: { acknowledged: jest.fn(), conversationOf: (clientId) => (clientId === 'client-1' ? group.id : undefined), refused: jest.fn() },
        reads: { seesNow: () => sees, markActiveRead, readElsewhere: jest.fn() },
        membership,
      }),
    );
    const row = () => stores.conversations.getState().byId[group.id];
    const thread = () => stores.messages.getState().threads[group.id];
    const departure = () => stores.conversations.getState().departures[group.id];
    return { stores, route, row, thread, departure, forget, abandon, markActiveRead, getConversation };
  }

  const updated = (eventSeq: number, overrides: Partial<Conversation> = {}): EventOf<'conversation_updated'> => ({
    type: 'conversation_updated',
    conversation_id: group.id,
    event_seq: eventSeq,
    conversation: { ...group, last_event_seq: eventSeq, ...overrides },
  });

  it('takes a rename, new members and roles from conversation_updated, and counts it as the thread’s next change', () => {
    const { stores, route, row, thread } = setup();
    const notice = makeSystemMessage(group.id, owner.id, 'member_added', [carol.id], { created_at: '2026-11-24T10:00:00.000Z' });
    route({ type: 'message', message: notice, event_seq: 5 });
    route(updated(6, { name: 'Trip to Rome', participants: [owner, me, { ...bob, role: 'admin' }, carol], last_message: notice }));
    expect(row()).toMatchObject({ name: 'Trip to Rome', last_event_seq: 6, last_message: notice });
    expect(row()?.participants.map((p) => [p.id, p.role])).toEqual([
      [owner.id, 'owner'],
      [me.id, 'admin'],
      [bob.id, 'admin'],
      [carol.id, 'member'],
    ]);
    expect(thread()?.eventSeq).toBe(6);
    expect(stores.conversations.getState().users[carol.id]?.full_name).toBe('Carol');
    expect(stores.presence.getState().users[carol.id]).toEqual({ online: false, lastSeenAt: null });
  });

  it('leaves a gap open: an update after a missed change moves the row but not the thread', () => {
    const { route, row, thread } = setup();
    route(updated(6, { name: 'Later' }));
    expect(row()).toMatchObject({ name: 'Later', last_event_seq: 6 });
    expect(thread()?.eventSeq).toBe(4);
  });

  it('keeps the preview and badge of a row that live events took past the update, and takes its name', () => {
    const { stores, route, row } = setup();
    const live = makeMessage({ conversation_id: group.id, sender_id: bob.id, content: 'newer', created_at: '2026-11-24T11:00:00.000Z' });
    route({ type: 'message', message: live, event_seq: 5 });
    route({ type: 'message', message: { ...live, id: 'm-6', content: 'newest' }, event_seq: 6 });
    expect(row()?.unread_count).toBe(2);
    // Announced as of change 5: older than what the row shows.
    route(updated(5, { name: 'Renamed', unread_count: 0, last_message: null }));
    expect(row()).toMatchObject({ name: 'Renamed', unread_count: 2, last_event_seq: 6, last_message: { content: 'newest' } });
    expect(stores.messages.getState().threads[group.id]?.eventSeq).toBe(6);
  });

  it('reads what the open chat shows again when the update brings a badge', () => {
    const { route, markActiveRead } = setup({ sees: true });
    route(updated(5, { unread_count: 1, has_unread: true }));
    expect(markActiveRead).toHaveBeenCalled();
  });

  it('adds a group the user was just added to, from its conversation_updated', () => {
    const { stores, route } = setup();
    const fresh = makeConversation({ participants: [owner, me], is_group_chat: true, name: 'New to me', last_event_seq: 9 });
    route({ type: 'conversation_updated', conversation_id: fresh.id, event_seq: 9, conversation: fresh });
    expect(stores.conversations.getState().byId[fresh.id]).toMatchObject({ name: 'New to me', last_event_seq: 9 });
  });

  it('turns a chat read-only on conversation_removed: it stays, with its history; typing and queued messages for it stop', () => {
    const { stores, route, row, departure, forget, abandon } = setup();
    const notice = makeSystemMessage(group.id, owner.id, 'member_removed', [me.id]);
    route({ type: 'message', message: notice, event_seq: 5 });
    route({ type: 'conversation_removed', conversation_id: group.id });
    expect(departure()).toBe('removed');
    expect(row()?.last_message).toEqual(notice);
    expect(stores.messages.getState().threads[group.id]?.items).toEqual([notice]);
    expect(forget).toHaveBeenCalledWith(group.id);
    expect(abandon).toHaveBeenCalledWith(group.id);
    // The list, refreshed, no longer has it: it stays.
    stores.conversations.getState().setAll([]);
    expect(row()).toBeDefined();
  });

  it('says the user left when their own member_left notice came first', () => {
    const { route, departure } = setup();
    route({ type: 'message', message: makeSystemMessage(group.id, me.id, 'member_left', [me.id]), event_seq: 5 });
    route({ type: 'conversation_removed', conversation_id: group.id });
    expect(departure()).toBe('left');
  });

  it('lets the user back in when an update lists them again', () => {
    const { route, departure } = setup();
    route({ type: 'conversation_removed', conversation_id: group.id });
    expect(departure()).toBe('removed');
    route(updated(8));
    expect(departure()).toBeUndefined();
  });

  it('checks the membership when a message to a group is refused as forbidden, and turns it read-only on a 403', async () => {
    const getConversation = jest.fn(() => Promise.reject<Conversation>(new ApiError(403, 'You are not a participant of this conversation')));
    const { route, departure } = setup({ getConversation });
    route({ type: 'error', code: 'forbidden', detail: 'You are not a participant of this conversation', client_id: 'client-1' });
    route({ type: 'error', code: 'forbidden', detail: 'again', client_id: 'client-1' });
    await Promise.resolve();
    await Promise.resolve();
    expect(getConversation).toHaveBeenCalledTimes(1);
    expect(departure()).toBe('removed');
  });

  it('does not take a refusal of another kind, or one naming no message, for a removal', () => {
    const getConversation = jest.fn(() => Promise.reject<Conversation>(new ApiError(403, 'no')));
    const { route } = setup({ getConversation });
    route({ type: 'error', code: 'rate_limited', detail: 'slow down', client_id: 'client-1' });
    route({ type: 'error', code: 'forbidden', detail: 'no' });
    expect(getConversation).not.toHaveBeenCalled();
  });
});
