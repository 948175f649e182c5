import type { Message } from '../api/client';
import { FakeSocket } from '../test-utils/fakeSocket';
import { asPublic, makeConversation, makeMessage, makePublicUser, makeUser } from '../test-utils/fixtures';
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
  it('after ready, pages every loaded chat with `after` until empty, refreshes the list and resends what was not acked', async () => {
    const missed: Record<string, Message[]> = { m2: [m('m3'), m('m4')], m4: [m('m5')], m5: [] };
    let listCalls = 0;
    const { calls } = installFetch({
      'GET /conversations': () => {
        listCalls += 1;
        return reply(200, [chat, other]);
      },
      'GET /conversations/*/messages': (call: Call) => {
        const after = call.query.get('after');
        return reply(200, after ? (missed[after] ?? []) : [m('m1'), m('m2')]);
      },
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
    const listCallsBefore = listCalls;
    jest.advanceTimersByTime(250);
    const second = FakeSocket.latest();
    expect(second).not.toBe(first);
    await flush();
    expect(calls.filter((c) => c.query.get('after'))).toHaveLength(0);

    second.accept(me.id);
    await flush();
    const afters = calls.filter((c) => c.path === `/conversations/${chat.id}/messages` && c.query.get('after')).map((c) => c.query.get('after'));
    expect(afters).toEqual(['m2', 'm4', 'm5']);
    expect(calls.some((c) => c.path === `/conversations/${other.id}/messages`)).toBe(false);
    expect(listCalls).toBeGreaterThan(listCallsBefore);
    const items = session.stores.messages.getState().threads[chat.id]?.items ?? [];
    expect(items.map((x) => x.content)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'sent while the line drops']);
    expect(second.frames()).toContainEqual({ type: 'message', conversation_id: chat.id, content: 'sent while the line drops', client_id: 'client-1' });
  });

  it('deduplicates a message that arrives both live and in a catch-up page', async () => {
    installFetch({
      'GET /conversations': () => reply(200, [chat]),
      'GET /conversations/*/messages': (call: Call) => reply(200, call.query.get('after') === 'm1' ? [m('m2')] : call.query.get('after') ? [] : [m('m1')]),
    });
    const session = createTestSession({ me });
    session.start();
    FakeSocket.latest().accept(me.id);
    await flush();
    await session.openConversation(chat.id);
    FakeSocket.latest().drop();
    jest.advanceTimersByTime(250);
    const socket = FakeSocket.latest();
    socket.accept(me.id);
    socket.push({ type: 'message', message: m('m2') });
    await flush();
    expect(session.stores.messages.getState().threads[chat.id]?.items.map((x) => x.id)).toEqual(['m1', 'm2']);
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
    socket.push({ type: 'message', message: makeMessage({ conversation_id: other.id, sender_id: 'x', content: 'psst' }) });
    expect(conversations().byId[other.id]?.unread_count).toBe(1);
    expect(conversations().byId[other.id]?.last_message?.content).toBe('psst');
  });

  it('marks the open chat read only while the tab has focus', async () => {
    let focused = false;
    const { session, socket, conversations } = await started(() => focused);
    await session.openConversation(chat.id);
    socket.push({ type: 'message', message: m('m7') });
    expect(conversations().byId[chat.id]?.unread_count).toBe(1);
    expect(socket.frames().filter((f) => f.type === 'read')).toEqual([]);

    focused = true;
    session.markActiveRead();
    expect(socket.frames()).toContainEqual({ type: 'read', conversation_id: chat.id });
    expect(conversations().byId[chat.id]?.unread_count).toBe(0);
  });

  it('falls back to POST …/read when the socket is down', async () => {
    const { session, socket, calls, conversations } = await started(() => true);
    conversations().setUnread(chat.id, 2);
    socket.drop();
    await session.openConversation(chat.id);
    expect(calls.some((c) => c.method === 'POST' && c.path === `/conversations/${chat.id}/read`)).toBe(true);
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
