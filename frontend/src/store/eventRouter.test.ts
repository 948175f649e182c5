import type { EventOf, ServerEvent } from '@chatflow/protocol';
import type { Conversation } from '../api/client';
import { makeConversation, makeMessage, makePublicUser } from '../test-utils/fixtures';
import { createChatStores } from './chatStores';
import { chatEventHandlers, createEventRouter } from './eventRouter';
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
      markRead: jest.fn<void, [string]>(),
    };
    const route = createEventRouter(
      chatEventHandlers({
        meId: me.id,
        api: { getConversation: deps.getConversation },
        stores,
        typing: { show: deps.show },
        outbox: { acknowledged: deps.acknowledged },
        reads: { seesNow: deps.seesNow, markRead: deps.markRead },
      }),
    );
    const conversation = (id: string) => stores.conversations.getState().byId[id];
    return { route, stores, deps, conversation };
  }

  it('counts a message from someone else as unread, ends their typing and adds it to a loaded chat', () => {
    const { route, stores, deps, conversation } = setup();
    stores.messages.getState().setLatest(chat.id, [], PAGE_SIZE);
    const message = fromBob(chat);
    route({ type: 'message', message, event_seq: 1 });
    expect(conversation(chat.id)).toMatchObject({ unread_count: 1, last_message: message });
    expect(deps.show).toHaveBeenCalledWith(chat.id, bob.id, false);
    expect(stores.messages.getState().threads[chat.id]?.items).toEqual([message]);
    expect(deps.markRead).not.toHaveBeenCalled();

    route({ type: 'message', message: fromBob(other), event_seq: 1 });
    expect(stores.messages.getState().threads[other.id]).toBeUndefined();
  });

  it('marks a message read when the user sees it arrive', () => {
    const { route, deps, conversation } = setup({ sees: true });
    route({ type: 'message', message: fromBob(chat), event_seq: 1 });
    expect(deps.seesNow).toHaveBeenCalledWith(chat.id);
    expect(deps.markRead).toHaveBeenCalledWith(chat.id);
    expect(conversation(chat.id)?.unread_count).toBe(0);
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

  it('clears the badge when I read elsewhere, and records the receipts of others', () => {
    const { route, stores, conversation } = setup();
    stores.conversations.getState().setUnread(chat.id, 3);
    route({ type: 'conversation_read', conversation_id: chat.id, user_id: me.id, last_read_timestamp: '2026-11-24T10:00:00.000Z' });
    expect(conversation(chat.id)?.unread_count).toBe(0);

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
