import type { ConversationChangeEvent } from '@chatflow/protocol';
import type { Message } from '../api/client';
import { FakeSocket } from '../test-utils/fakeSocket';
import { asPublic, makeConversation, makeMessage, makePublicUser, makeSystemMessage, makeUser } from '../test-utils/fixtures';
import { installFetch, reply, type Call } from '../test-utils/fetchMock';
import { createTestSession } from '../test-utils/testSession';

const me = makeUser();
const bob = makePublicUser({ full_name: 'Bob' });
const chat = makeConversation({ participants: [asPublic(me), bob] });
const other = makeConversation({ participants: [asPublic(me), makePublicUser()] });

const m = (id: string, content = id): Message =>
  makeMessage({ id, conversation_id: chat.id, sender_id: bob.id, content, created_at: `2026-11-24T10:00:0${id.slice(1)}.000Z` });

async function flush() {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

beforeEach(() => {
  jest.useFakeTimers();
  FakeSocket.reset();
});

afterEach(() => jest.useRealTimers());

describe('chat session: reconnect and catch up', () => {
  /** The server's change feed of `chat`: its events, numbered from 1 (m1 and m2 are the first two). */
  function feedRoute(feed: ConversationChangeEvent[]) {
    return (call: Call) => {
      const after = Number(call.query.get('after'));
      return reply(200, { events: feed.filter((e) => e.event_seq > after), last_event_seq: feed[feed.length - 1]?.event_seq ?? 0 });
    };
  }

  it('after ready, pages the events of every loaded chat that is behind, refreshes the list and resends what was not acked', async () => {
    const feed: ConversationChangeEvent[] = [
      { type: 'message', message: m('m1'), event_seq: 1 },
      { type: 'message', message: m('m2'), event_seq: 2 },
    ];
    let listed = [{ ...chat, last_event_seq: 2 }, other];
    const { calls } = installFetch({
      'GET /conversations': () => reply(200, listed),
      'GET /conversations/*/messages': () => reply(200, [m('m1'), m('m2')]),
      'GET /conversations/*/events': feedRoute(feed),
    });
    const session = createTestSession({ me });
    session.start();
    FakeSocket.latest().accept(me.id);
    await flush();
    await session.openConversation(chat.id);
    expect(session.stores.messages.getState().threads[chat.id]?.items.map((x) => x.id)).toEqual(['m1', 'm2']);

    session.send(chat.id, 'sent while the line drops');
    const first = FakeSocket.latest();
    first.drop();
    jest.advanceTimersByTime(250);
    const second = FakeSocket.latest();
    expect(second).not.toBe(first);
    await flush();
    expect(calls.filter((c) => c.path.endsWith('/events'))).toHaveLength(0);

    // While away: two new messages, an edit of m1 and the deletion of m2.
    feed.push(
      { type: 'message', message: m('m3'), event_seq: 3 },
      { type: 'message', message: m('m4'), event_seq: 4 },
      { type: 'message_updated', conversation_id: chat.id, message: { ...m('m1', 'm1 edited'), version: 2 }, event_seq: 5 },
      { type: 'message_deleted', conversation_id: chat.id, message: { ...m('m2', ''), deleted_at: '2026-11-24T10:05:00.000Z', version: 2 }, event_seq: 6 },
    );
    listed = [{ ...chat, last_event_seq: 6 }, { ...other, last_event_seq: 3 }];
    second.accept(me.id);
    await flush();
    const afters = calls.filter((c) => c.path === `/conversations/${chat.id}/events`).map((c) => c.query.get('after'));
    expect(afters).toEqual(['2']);
    expect(calls.some((c) => c.path.startsWith(`/conversations/${other.id}/`))).toBe(false);
    const items = session.stores.messages.getState().threads[chat.id]?.items ?? [];
    expect(items.map((x) => x.content)).toEqual(['m1 edited', '', 'm3', 'm4', 'sent while the line drops']);
    expect(items[1]?.deleted_at).not.toBeNull();
    expect(session.stores.conversations.getState().byId[other.id]?.last_event_seq).toBe(3);
    expect(second.frames()).toContainEqual({ type: 'message', conversation_id: chat.id, content: 'sent while the line drops', client_id: 'client-1' });
  });

  it('deduplicates a message that arrives both live and in the events feed', async () => {
    const feed: ConversationChangeEvent[] = [{ type: 'message', message: m('m1'), event_seq: 1 }];
    let listed = [{ ...chat, last_event_seq: 1 }];
    installFetch({
      'GET /conversations': () => reply(200, listed),
      'GET /conversations/*/messages': () => reply(200, [m('m1')]),
      'GET /conversations/*/events': feedRoute(feed),
    });
    const session = createTestSession({ me });
    session.start();
    FakeSocket.latest().accept(me.id);
    await flush();
    await session.openConversation(chat.id);
    FakeSocket.latest().drop();
    jest.advanceTimersByTime(250);
    feed.push({ type: 'message', message: m('m2'), event_seq: 2 });
    listed = [{ ...chat, last_event_seq: 2 }];
    const socket = FakeSocket.latest();
    socket.accept(me.id);
    socket.push({ type: 'message', message: m('m2'), event_seq: 2 });
    await flush();
    expect(session.stores.messages.getState().threads[chat.id]?.items.map((x) => x.id)).toEqual(['m1', 'm2']);
    expect(session.stores.conversations.getState().byId[chat.id]?.unread_count).toBe(0);
  });

  it('follows the changes that arrive while a chat’s first page loads', async () => {
    let release: () => void = () => undefined;
    const loaded = new Promise<void>((resolve) => (release = resolve));
    const feed: ConversationChangeEvent[] = [{ type: 'message', message: m('m1'), event_seq: 1 }];
    installFetch({
      'GET /conversations': () => reply(200, [{ ...chat, last_event_seq: 1 }]),
      'GET /conversations/*/messages': async () => {
        await loaded;
        return reply(200, [m('m1')]);
      },
      'GET /conversations/*/events': feedRoute(feed),
    });
    const session = createTestSession({ me });
    session.start();
    const socket = FakeSocket.latest();
    socket.accept(me.id);
    await flush();
    const opening = session.openConversation(chat.id);
    const edited = { ...m('m1', 'm1 edited'), version: 2 };
    feed.push({ type: 'message_updated', conversation_id: chat.id, message: edited, event_seq: 2 });
    socket.push(feed[1] as object);
    release();
    await opening;
    expect(session.stores.messages.getState().threads[chat.id]?.items.map((x) => x.content)).toEqual(['m1 edited']);
    expect(session.stores.messages.getState().threads[chat.id]?.eventSeq).toBe(2);
  });
});

describe('chat session: unread and read', () => {
  async function started(attentive: () => boolean) {
    const { calls } = installFetch({
      'GET /conversations': () => reply(200, [chat, other]),
      'GET /conversations/*/messages': () => reply(200, []),
      'POST /conversations/*/read': () => reply(200, {}),
    });
    const session = createTestSession({ me, attentive });
    session.start();
    FakeSocket.latest().accept(me.id);
    await flush();
    return { session, calls, socket: FakeSocket.latest(), conversations: session.stores.conversations.getState };
  }

  it('counts messages in chats that are not on screen as unread', async () => {
    const { socket, conversations } = await started(() => true);
    socket.push({ type: 'message', message: makeMessage({ conversation_id: other.id, sender_id: 'x', content: 'psst' }), event_seq: 1 });
    expect(conversations().byId[other.id]?.unread_count).toBe(1);
    expect(conversations().byId[other.id]?.last_message?.content).toBe('psst');
  });

  it('reads what the open chat shows only while the tab has focus, up to the message on screen', async () => {
    let focused = false;
    const { session, socket, conversations } = await started(() => focused);
    await session.openConversation(chat.id);
    const arrived = { ...m('m7'), seq: 7 };
    socket.push({ type: 'message', message: arrived, event_seq: 1 });
    session.showing(chat.id, 7);
    expect(conversations().byId[chat.id]?.unread_count).toBe(1);
    expect(socket.frames().filter((f) => f.type === 'read')).toEqual([]);

    focused = true;
    session.markActiveRead();
    expect(socket.frames()).toContainEqual({ type: 'read', conversation_id: chat.id, up_to_seq: 7 });
    expect(conversations().byId[chat.id]?.unread_count).toBe(0);
  });

  it('opening a chat reads nothing by itself', async () => {
    const { session, socket, conversations } = await started(() => true);
    conversations().setUnread(chat.id, 2);
    await session.openConversation(chat.id);
    expect(socket.frames().filter((f) => f.type === 'read')).toEqual([]);
    expect(conversations().byId[chat.id]?.unread_count).toBe(2);
  });

  it('loads older pages until the first unread message is there', async () => {
    const numbered = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => makeMessage({ id: `n${from + i}`, conversation_id: chat.id, sender_id: bob.id, seq: from + i }));
    const { calls } = installFetch({
      'GET /conversations': () => reply(200, [{ ...chat, unread_count: 250, has_unread: true }]),
      'GET /conversations/*/messages': (call) => reply(200, call.query.get('before') ? numbered(1, 50) : numbered(51, 250)),
    });
    const session = createTestSession({ me, attentive: () => true });
    session.start();
    FakeSocket.latest().accept(me.id);
    await flush();
    await session.openConversation(chat.id);
    const pages = calls.filter((c) => c.method === 'GET' && c.path.endsWith('/messages'));
    expect(pages.map((c) => [c.query.get('limit'), c.query.get('before')])).toEqual([
      ['200', null],
      ['50', 'n51'],
    ]);
    expect(session.stores.messages.getState().threads[chat.id]?.items).toHaveLength(250);
  });

  it('falls back to POST …/read up to the message on screen when the socket is down', async () => {
    const { session, socket, calls, conversations } = await started(() => true);
    await session.openConversation(chat.id);
    socket.push({ type: 'message', message: { ...m('m7'), seq: 7 }, event_seq: 1 });
    expect(conversations().byId[chat.id]?.unread_count).toBe(1);
    socket.drop();
    session.showing(chat.id, 7);
    const post = calls.find((c) => c.method === 'POST' && c.path === `/conversations/${chat.id}/read`);
    expect(post?.body).toEqual({ up_to_seq: 7 });
  });

  it('clears the badge when I read the chat on another device', async () => {
    const { socket, conversations } = await started(() => true);
    conversations().setUnread(other.id, 4);
    socket.push({ type: 'conversation_read', conversation_id: other.id, user_id: me.id, last_read_timestamp: '2026-11-24T10:00:00.000Z' });
    expect(conversations().byId[other.id]?.unread_count).toBe(0);
  });

  it('adds conversations created elsewhere', async () => {
    const { socket, conversations } = await started(() => true);
    const fresh = makeConversation({ participants: [asPublic(me), bob], is_group_chat: true, name: 'New group' });
    socket.push({ type: 'conversation_created', conversation: fresh });
    expect(conversations().byId[fresh.id]?.name).toBe('New group');
  });
});

describe('chat session: groups that change, leaving and blocking', () => {
  const carol = makePublicUser({ full_name: 'Carol' });
  const group = makeConversation({
    participants: [asPublic(me, 'admin'), { ...bob, role: 'owner' }, carol],
    is_group_chat: true,
    name: 'Trip',
    last_event_seq: 3,
  });
  const forbidden = (message = 'You are not a participant of this conversation') => reply(403, { statusCode: 403, message, error: 'Forbidden' });

  async function started(routes: Parameters<typeof installFetch>[0] = {}) {
    const { calls } = installFetch({
      'GET /conversations': () => reply(200, [group, chat]),
      'GET /conversations/*/messages': () => reply(200, []),
      'POST /conversations/*/read': () => reply(200, {}),
      'GET /users/me/blocks': () => reply(200, []),
      ...routes,
    });
    const session = createTestSession({ me });
    session.start();
    const socket = FakeSocket.latest();
    socket.accept(me.id);
    await flush();
    const state = session.stores.conversations.getState;
    const items = (id: string) => session.stores.messages.getState().threads[id]?.items ?? [];
    return { session, calls, socket, state, items };
  }

  it('turns a group read-only when the user is removed, live: nothing more goes to it, and what was on its way fails and is not sent again', async () => {
    let listed = [group, chat];
    const { session, socket, state, items } = await started({ 'GET /conversations': () => reply(200, listed) });
    await session.openConversation(group.id);
    session.send(group.id, 'on its way');
    const removal = makeSystemMessage(group.id, bob.id, 'member_removed', [me.id], { created_at: '2026-11-24T10:00:00.000Z' });
    socket.push({ type: 'message', message: removal, event_seq: 4 });
    socket.push({ type: 'conversation_removed', conversation_id: group.id });
    expect(state().departures[group.id]).toBe('removed');
    expect(items(group.id).map((m) => [m.content, m.local, m.error])).toEqual([
      ['', undefined, undefined],
      ['on its way', 'failed', "You're no longer a participant"],
    ]);

    const sent = socket.sent.length;
    session.send(group.id, 'refused here');
    session.typing(group.id);
    session.stopTyping(group.id);
    session.retry(group.id, 'client-1');
    state().setUnread(group.id, 2);
    session.markActiveRead();
    expect(socket.sent.length).toBe(sent);

    // Back after a drop: the server's list no longer has it; it stays, and nothing is sent again.
    listed = [chat];
    socket.drop();
    jest.advanceTimersByTime(250);
    const second = FakeSocket.latest();
    second.accept(me.id);
    await flush();
    expect(second.frames().filter((f) => f.type !== 'read')).toEqual([]);
    expect(state().byId[group.id]?.name).toBe('Trip');
    expect(state().departures[group.id]).toBe('removed');
  });

  it('opening a group whose history the server refuses (403) asks whether the user is still in it, and shows it read-only', async () => {
    const { session, state, calls } = await started({
      'GET /conversations/*/messages': () => forbidden(),
      'GET /conversations/*': () => forbidden(),
    });
    await session.openConversation(group.id);
    expect(calls.filter((c) => c.path === `/conversations/${group.id}`)).toHaveLength(1);
    expect(state().departures[group.id]).toBe('removed');
    expect(session.stores.messages.getState().threads[group.id]).toMatchObject({ loaded: true, items: [], hasOlder: false });
  });

  it('does not take a 403 on a one-on-one (blocking, an edit window) for a removal', async () => {
    const { session, state, calls } = await started({ 'PATCH /conversations/*/messages/*': () => forbidden('The edit window has passed') });
    await expect(session.edit(chat.id, 'm1', 'late')).rejects.toThrow('The edit window has passed');
    expect(calls.some((c) => c.method === 'GET' && c.path === `/conversations/${chat.id}`)).toBe(false);
    expect(state().departures[chat.id]).toBeUndefined();
  });

  it('leaves a group: it stays in the list as left, until the user deletes the chat', async () => {
    const { session, state, calls } = await started({ 'POST /conversations/*/leave': () => reply(204) });
    await session.openConversation(group.id);
    await session.leaveGroup(group.id);
    expect(calls).toContainEqual(expect.objectContaining({ method: 'POST', path: `/conversations/${group.id}/leave` }));
    expect(state().departures[group.id]).toBe('left');
    FakeSocket.latest().push({ type: 'conversation_removed', conversation_id: group.id });
    expect(state().departures[group.id]).toBe('left');
    session.forgetConversation(group.id);
    expect(state().byId[group.id]).toBeUndefined();
    expect(state().activeId).toBeNull();
  });

  it('renames, adds, removes and promotes with the requests the API takes, and shows each answer at once', async () => {
    const answers: Record<string, object> = {};
    const answer = (key: string) => (call: Call) => {
      answers[key] = call.body ?? {};
      return reply(200, { ...group, name: key === 'rename' ? 'Trip to Rome' : group.name, last_event_seq: 4 });
    };
    const { session, state } = await started({
      'PATCH /conversations/*': answer('rename'),
      'POST /conversations/*/participants': answer('add'),
      'DELETE /conversations/*/participants/*': answer('remove'),
      'PATCH /conversations/*/participants/*': answer('role'),
    });
    await session.renameGroup(group.id, '  Trip to Rome ');
    expect(state().byId[group.id]?.name).toBe('Trip to Rome');
    await session.addMembers(group.id, ['u1', 'u2']);
    await session.removeMember(group.id, carol.id);
    await session.changeRole(group.id, carol.id, 'admin');
    expect(answers).toEqual({ rename: { name: 'Trip to Rome' }, add: { user_ids: ['u1', 'u2'] }, remove: {}, role: { role: 'admin' } });
  });

  it('a group change refused with 403 because the user was removed turns the chat read-only, and fails with the server’s message', async () => {
    const { session, state } = await started({ 'PATCH /conversations/*': () => forbidden(), 'GET /conversations/*': () => forbidden() });
    await expect(session.renameGroup(group.id, 'Nope')).rejects.toThrow('You are not a participant of this conversation');
    expect(state().departures[group.id]).toBe('removed');
  });

  it('loads whom the user blocked, blocks and unblocks: a one-on-one with a blocked contact sends nothing', async () => {
    const { session, socket, state, calls } = await started({
      'GET /users/me/blocks': () => reply(200, [carol]),
      'POST /users/*/block': () => reply(204),
      'DELETE /users/*/block': () => reply(204),
    });
    expect(state().blocked).toEqual({ [carol.id]: true });
    await session.block(bob.id);
    expect(calls).toContainEqual(expect.objectContaining({ method: 'POST', path: `/users/${bob.id}/block` }));
    expect(state().blocked[bob.id]).toBe(true);
    session.send(chat.id, 'not to a blocked contact');
    expect(socket.frames().filter((f) => f.type === 'message')).toEqual([]);
    await session.unblock(bob.id);
    expect(calls).toContainEqual(expect.objectContaining({ method: 'DELETE', path: `/users/${bob.id}/block` }));
    session.send(chat.id, 'hello again');
    expect(socket.frames().filter((f) => f.type === 'message').map((f) => f.content)).toEqual(['hello again']);
  });

  it('shows the server’s refusal of a message to someone who blocked the user, without asking about membership', async () => {
    const { session, socket, calls, items } = await started();
    await session.openConversation(chat.id);
    session.send(chat.id, 'hi?');
    socket.push({ type: 'error', code: 'forbidden', detail: 'You cannot send messages to this contact', client_id: 'client-1' });
    await flush();
    expect(items(chat.id).map((m) => [m.local, m.error])).toEqual([['failed', 'You cannot send messages to this contact']]);
    expect(calls.some((c) => c.method === 'GET' && c.path === `/conversations/${chat.id}`)).toBe(false);
  });
});
