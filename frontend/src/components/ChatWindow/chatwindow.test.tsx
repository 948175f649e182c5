import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Conversation, Message } from '../../api/client';
import { useSession } from '../../store/session';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { asPublic, makeConversation, makeMessage, makePublicUser, makeUser } from '../../test-utils/fixtures';
import { installFetch, reply, type Call } from '../../test-utils/fetchMock';
import { openChat as openChatAs } from '../../test-utils/openChat';

const NOW = new Date('2026-11-24T15:00:00.000Z');
const me = makeUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone', is_online: false, last_seen_at: '2026-11-24T09:30:00.000Z' });
const carol = makePublicUser({ username: 'carol', full_name: 'Carol King' });

function msg(overrides: Partial<Message> & { conversation_id: string }): Message {
  return makeMessage({ sender_id: bob.id, created_at: '2026-11-24T14:00:00.000Z', ...overrides });
}

interface Setup {
  conversation?: Conversation;
  messages?: Message[];
  routes?: Parameters<typeof installFetch>[0];
}

function openChat({ conversation, messages = [], routes = {} }: Setup = {}) {
  const chat = conversation ?? makeConversation({ participants: [asPublic(me), bob] });
  return openChatAs({ me, conversation: chat, messages, routes, row: chat.name ?? 'Bob Stone' });
}

const bubbles = (log: HTMLElement) => within(log).queryAllByTestId('message');
const composer = () => screen.getByRole('textbox', { name: 'Type a message' });

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, advanceTimers: true });
  FakeSocket.reset();
  useSession.setState({ token: 'tok', user: me, notice: null });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('ChatWindow', () => {
  it('renders message text as text, never as HTML', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const hostile = '<img src=x onerror="alert(1)"><b>bold</b><script>alert(2)</script>';
    const { log } = await openChat({ conversation, messages: [msg({ conversation_id: conversation.id, content: hostile })] });
    expect(within(log).getByText(hostile)).toBeInTheDocument();
    expect(log.querySelector('img, b, script')).toBeNull();
  });

  it('makes http(s) and www. links clickable in a new tab without access to the page, and nothing else', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const { log } = await openChat({
      conversation,
      messages: [msg({ conversation_id: conversation.id, content: 'see https://example.com/a?b=1, www.example.org/x or javascript:alert(1)' })],
    });
    const link = within(log).getByRole('link', { name: 'https://example.com/a?b=1' });
    expect(link).toHaveAttribute('href', 'https://example.com/a?b=1');
    expect(link).toHaveAttribute('target', '_blank');
    expect(link).toHaveAttribute('rel', 'noopener noreferrer');
    const www = within(log).getByRole('link', { name: 'www.example.org/x' });
    expect(www).toHaveAttribute('href', 'https://www.example.org/x');
    expect(www).toHaveAttribute('target', '_blank');
    expect(www).toHaveAttribute('rel', 'noopener noreferrer');
    expect(within(log).getAllByRole('link')).toHaveLength(2);
  });

  it('separates days: a date, Yesterday, Today', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const { log } = await openChat({
      conversation,
      messages: [
        msg({ conversation_id: conversation.id, content: 'long ago', created_at: '2026-11-02T10:00:00.000Z' }),
        msg({ conversation_id: conversation.id, content: 'last night', created_at: '2026-11-23T21:00:00.000Z' }),
        msg({ conversation_id: conversation.id, content: 'this morning', created_at: '2026-11-24T08:00:00.000Z' }),
        msg({ conversation_id: conversation.id, content: 'this afternoon', created_at: '2026-11-24T14:00:00.000Z' }),
      ],
    });
    const text = log.textContent ?? '';
    const order = ['long ago', 'Yesterday', 'last night', 'Today', 'this morning', 'this afternoon'].map((t) => text.indexOf(t));
    expect(order.every((at) => at >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(within(log).getAllByText('Today')).toHaveLength(1);
    expect(text.indexOf('2026')).toBeLessThan(text.indexOf('long ago'));
  });

  it.each([
    { locale: 'en-GB', late: /21:05/u, early: /08:00/u, date: '02/11/2026' },
    { locale: 'en-US', late: /9:05\sPM/u, early: /8:00\sAM/u, date: '11/02/2026' },
    { locale: 'de-DE', late: /21:05/u, early: /08:00/u, date: '02.11.2026' },
  ])('writes times and dates as the browser\'s preferred locale $locale does (24 hours or AM/PM)', async ({ locale, late, early, date }) => {
    jest.spyOn(navigator, 'languages', 'get').mockReturnValue([locale, 'en']);
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const { log } = await openChat({
      conversation,
      messages: [
        msg({ conversation_id: conversation.id, content: 'long ago', created_at: '2026-11-02T21:05:00.000Z' }),
        msg({ conversation_id: conversation.id, content: 'this morning', created_at: '2026-11-24T08:00:00.000Z' }),
      ],
    });
    const bubbleOf = (text: string) => bubbles(log).find((bubble) => bubble.textContent?.includes(text));
    expect(bubbleOf('long ago')).toHaveTextContent(late);
    expect(bubbleOf('this morning')).toHaveTextContent(early);
    expect(within(log).getByText(date)).toBeInTheDocument();
  });

  it('shows a tick for each status of my messages, and none on theirs', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const { log } = await openChat({
      conversation,
      messages: [
        msg({ conversation_id: conversation.id, content: 'theirs' }),
        msg({ conversation_id: conversation.id, sender_id: me.id, content: 'one', status: 'sent' }),
        msg({ conversation_id: conversation.id, sender_id: me.id, content: 'two', status: 'delivered' }),
        msg({ conversation_id: conversation.id, sender_id: me.id, content: 'three', status: 'read' }),
      ],
    });
    const [theirs, one, two, three] = bubbles(log) as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];
    expect(within(theirs).queryByRole('img')).toBeNull();
    expect(within(one).getByRole('img', { name: 'Sent' })).toBeInTheDocument();
    expect(within(two).getByRole('img', { name: 'Delivered' })).toBeInTheDocument();
    expect(within(three).getByRole('img', { name: 'Read' })).toBeInTheDocument();
  });

  it('moves ticks forward on conversation_delivered and conversation_read', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const { log, socket } = await openChat({
      conversation,
      messages: [
        msg({ conversation_id: conversation.id, sender_id: me.id, content: 'early', created_at: '2026-11-24T14:00:00.000Z' }),
        msg({ conversation_id: conversation.id, sender_id: me.id, content: 'late', created_at: '2026-11-24T14:30:00.000Z' }),
      ],
    });
    const receipt = (type: string, key: string, at: string) =>
      act(() => socket.push({ type, conversation_id: conversation.id, user_id: bob.id, [key]: at }));

    receipt('conversation_delivered', 'last_delivered_timestamp', '2026-11-24T14:10:00.000Z');
    let [early, late] = bubbles(log) as [HTMLElement, HTMLElement];
    expect(within(early).getByRole('img', { name: 'Delivered' })).toBeInTheDocument();
    expect(within(late).getByRole('img', { name: 'Sent' })).toBeInTheDocument();

    receipt('conversation_read', 'last_read_timestamp', '2026-11-24T14:30:00.000Z');
    [early, late] = bubbles(log) as [HTMLElement, HTMLElement];
    expect(within(early).getByRole('img', { name: 'Read' })).toBeInTheDocument();
    expect(within(late).getByRole('img', { name: 'Read' })).toBeInTheDocument();
  });

  it('sends with Enter, and Shift+Enter starts a new line', async () => {
    const { user, socket } = await openChat();
    await user.type(composer(), 'line one');
    await user.keyboard('{Shift>}{Enter}{/Shift}');
    await user.type(composer(), 'line two');
    expect(composer()).toHaveValue('line one\nline two');
    expect(socket.frames().filter((f) => f.type === 'message')).toEqual([]);

    await user.keyboard('{Enter}');
    expect(composer()).toHaveValue('');
    const sent = socket.frames().filter((f) => f.type === 'message');
    expect(sent).toEqual([{ type: 'message', conversation_id: expect.any(String), content: 'line one\nline two', client_id: 'client-1' }]);
  });

  it('does not send blank messages', async () => {
    const { user, socket } = await openChat();
    await user.type(composer(), '   {Enter}');
    expect(socket.frames().filter((f) => f.type === 'message')).toEqual([]);
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
  });

  it('shows my message at once with a clock, then ✓ when the server acknowledges it', async () => {
    const { user, socket, log, chat } = await openChat();
    await user.type(composer(), 'Hello Bob{Enter}');
    const [pending] = bubbles(log) as [HTMLElement];
    expect(pending).toHaveTextContent('Hello Bob');
    expect(within(pending).getByRole('img', { name: 'Sending' })).toBeInTheDocument();

    const stored = msg({ conversation_id: chat.id, sender_id: me.id, content: 'Hello Bob', client_id: 'client-1', created_at: NOW.toISOString() });
    act(() => socket.push({ type: 'ack', client_id: 'client-1', message: stored, event_seq: 1 }));
    const [sent] = bubbles(log) as [HTMLElement];
    expect(bubbles(log)).toHaveLength(1);
    expect(within(sent).getByRole('img', { name: 'Sent' })).toBeInTheDocument();
    expect(screen.getByRole('option', { name: /Bob Stone/ })).toHaveTextContent('Hello Bob');
  });

  it('offers a retry when the server refuses the message, and resends it with the same client_id', async () => {
    const { user, socket, log, chat } = await openChat();
    await user.type(composer(), 'Hello{Enter}');
    act(() => socket.push({ type: 'error', code: 'internal', detail: 'The server could not process this frame', client_id: 'client-1' }));
    const [failed] = bubbles(log) as [HTMLElement];
    expect(within(failed).getByRole('img', { name: 'Not sent' })).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Retry' }));
    const frames = socket.frames().filter((f) => f.type === 'message');
    expect(frames.map((f) => f.client_id)).toEqual(['client-1', 'client-1']);
    expect(within(bubbles(log)[0] as HTMLElement).getByRole('img', { name: 'Sending' })).toBeInTheDocument();

    act(() =>
      socket.push({ type: 'ack', client_id: 'client-1', message: msg({ conversation_id: chat.id, sender_id: me.id, content: 'Hello', client_id: 'client-1' }), event_seq: 1 }),
    );
    expect(within(bubbles(log)[0] as HTMLElement).getByRole('img', { name: 'Sent' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Retry' })).not.toBeInTheDocument();
  });

  it('offers a retry when no ack comes before the timeout', async () => {
    const { user, log } = await openChat();
    await user.type(composer(), 'Anyone there?{Enter}');
    act(() => {
      jest.advanceTimersByTime(10_000);
    });
    expect(within(bubbles(log)[0] as HTMLElement).getByRole('img', { name: 'Not sent' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('keeps a message sent while offline with its clock, and sends it after reconnecting', async () => {
    const { user, socket, log } = await openChat();
    act(() => socket.drop());
    await user.type(composer(), 'offline hello{Enter}');
    expect(socket.frames().filter((f) => f.type === 'message')).toEqual([]);
    act(() => {
      jest.advanceTimersByTime(20_000);
    });
    expect(within(bubbles(log)[0] as HTMLElement).getByRole('img', { name: 'Sending' })).toBeInTheDocument();
    const next = FakeSocket.latest();
    expect(next).not.toBe(socket);
    await act(async () => next.accept(me.id));
    expect(next.frames().filter((f) => f.type === 'message')).toEqual([expect.objectContaining({ content: 'offline hello', client_id: 'client-1' })]);
  });

  it('searches the chat on the server and marks the words found, newest result first', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const tea = msg({ conversation_id: conversation.id, content: 'Tea at five?', seq: 1 });
    const green = msg({ conversation_id: conversation.id, content: 'Green tea, then', seq: 3 });
    const searches: Call[] = [];
    const { user, log } = await openChat({
      conversation,
      messages: [tea, msg({ conversation_id: conversation.id, sender_id: me.id, content: 'Coffee please', seq: 2 }), green],
      routes: {
        'GET /search': (call) => {
          searches.push(call);
          return reply(200, { results: [green, tea].map((m) => ({ conversation_id: conversation.id, message: m })), next_before: null });
        },
      },
    });
    await user.click(screen.getByRole('button', { name: 'Search messages' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search in this chat' }), 'tea');
    expect(await screen.findByText('1 of 2')).toBeInTheDocument();
    // Asked once typing paused, about this chat only.
    expect(searches.map((c) => Object.fromEntries(c.query))).toEqual([{ q: 'tea', conversation_id: conversation.id, limit: '20' }]);
    expect(Array.from(log.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['Tea', 'tea']);
    await user.click(screen.getByRole('button', { name: 'Older result' }));
    expect(screen.getByText('2 of 2')).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(log.querySelectorAll('mark')).toHaveLength(0);
  });

  it('loads the history around a result that is not loaded, then newer pages as the reader scrolls down', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob], last_event_seq: 120 });
    const newest = msg({ conversation_id: conversation.id, content: 'latest news', seq: 120 });
    const old = msg({ conversation_id: conversation.id, content: 'the old recipe', seq: 10, created_at: '2026-11-01T10:00:00.000Z' });
    const around = (seq: number) => msg({ conversation_id: conversation.id, content: `message ${seq}`, seq, created_at: '2026-11-01T10:00:00.000Z' });
    const after = Array.from({ length: 25 }, (_, i) => around(11 + i));
    const { user, log, calls } = await openChat({
      conversation,
      messages: [newest],
      routes: {
        'GET /search': () => reply(200, { results: [{ conversation_id: conversation.id, message: old }], next_before: null }),
        'GET /conversations/*/messages': (call) => {
          if (call.query.get('before')) return reply(200, [around(9)]);
          if (call.query.get('after') === old.id) return reply(200, after);
          return reply(200, [newest]);
        },
      },
    });
    await user.click(screen.getByRole('button', { name: 'Search messages' }));
    await user.type(screen.getByRole('searchbox', { name: 'Search in this chat' }), 'recipe');
    await within(log).findByText('recipe');
    const shown = () => bubbles(log).map((b) => b.textContent);
    expect(shown().slice(0, 3)).toEqual([
      expect.stringContaining('message 9'),
      expect.stringContaining('the old recipe'),
      expect.stringContaining('message 11'),
    ]);
    expect(shown()).not.toContainEqual(expect.stringContaining('latest news'));
    const pages = () => calls.filter((c) => c.path.endsWith('/messages')).map((c) => Object.fromEntries(c.query));
    expect(pages()).toContainEqual({ before: old.id, limit: '25' });
    expect(pages()).toContainEqual({ after: old.id, limit: '25' });

    fireEvent.scroll(screen.getByRole('region', { name: 'Message history' }));
    await within(log).findByText('latest news');
    expect(pages()).toContainEqual({ after: after.at(-1)?.id, limit: '50' });
  });

  it('appends incoming messages live and marks the open chat read up to them', async () => {
    const { socket, log, chat } = await openChat();
    act(() => socket.push({ type: 'message', message: msg({ conversation_id: chat.id, content: 'Are you there?', seq: 1 }), event_seq: 1 }));
    expect(bubbles(log)).toHaveLength(1);
    expect(log).toHaveAttribute('aria-live', 'polite');
    expect(socket.frames()).toContainEqual({ type: 'read', conversation_id: chat.id, up_to_seq: 1 });
  });

  it('shows typing… for about 5 s without a refresh, then the presence again', async () => {
    const { socket, chat } = await openChat();
    const subtitle = screen.getByTestId('chat-subtitle');
    expect(subtitle).toHaveTextContent('last seen today at');
    act(() => socket.push({ type: 'typing', conversation_id: chat.id, user_id: bob.id, is_typing: true }));
    expect(subtitle).toHaveTextContent('typing…');
    act(() => {
      jest.advanceTimersByTime(5_000);
    });
    expect(subtitle).not.toHaveTextContent('typing…');
    act(() => socket.push({ type: 'presence', user_id: bob.id, status: 'online', last_seen_at: null }));
    expect(subtitle).toHaveTextContent('online');
  });

  it('sends typing at most every 3 s while typing, and stops on send', async () => {
    const { user, socket, chat } = await openChat();
    const typing = () => socket.frames().filter((f) => f.type === 'typing');
    await user.type(composer(), 'abc');
    expect(typing()).toEqual([{ type: 'typing', conversation_id: chat.id, is_typing: true }]);
    act(() => {
      jest.advanceTimersByTime(3_000);
    });
    await user.type(composer(), 'd');
    expect(typing()).toHaveLength(2);
    await user.keyboard('{Enter}');
    expect(typing()[2]).toEqual({ type: 'typing', conversation_id: chat.id, is_typing: false });
  });

  it('names the sender in a group, in their colour', async () => {
    const group = makeConversation({ participants: [asPublic(me), bob, carol], is_group_chat: true, name: 'Trip' });
    const { log } = await openChat({
      conversation: group,
      messages: [msg({ conversation_id: group.id, content: 'hi' }), msg({ conversation_id: group.id, sender_id: carol.id, content: 'yo' })],
    });
    expect(within(log).getByText('Bob Stone').style.color).toMatch(/^var\(--name-[0-7]\)$/);
    expect(within(log).getByText('Carol King')).toBeInTheDocument();
    expect(screen.getByTestId('chat-subtitle')).toHaveTextContent('Bob Stone, Carol King, You');
  });

  it('loads older messages with `before` when scrolled to the top', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const latest = Array.from({ length: 50 }, (_, i) =>
      msg({ conversation_id: conversation.id, content: `new ${i}`, created_at: new Date(NOW.getTime() - (50 - i) * 1000).toISOString() }),
    );
    const older = [msg({ conversation_id: conversation.id, content: 'the very first', created_at: '2026-11-24T10:00:00.000Z' })];
    const { log, calls } = await openChat({
      conversation,
      routes: { 'GET /conversations/*/messages': (call: Call) => reply(200, call.query.get('before') ? older : latest) },
    });
    expect(bubbles(log)).toHaveLength(50);
    fireEvent.scroll(screen.getByRole('region', { name: 'Message history' }));
    await waitFor(() => expect(bubbles(log)).toHaveLength(51));
    expect(bubbles(log)[0]).toHaveTextContent('the very first');
    const page = calls.find((c) => c.query.get('before'));
    expect(page?.query.get('before')).toBe(latest[0]?.id);
  });
});

describe('ChatWindow: messages that change', () => {
  const mineAt = (conversation: Conversation, content: string, overrides: Partial<Message> = {}) =>
    msg({ conversation_id: conversation.id, sender_id: me.id, content, created_at: '2026-11-24T14:55:00.000Z', ...overrides });

  async function menuOf(user: ReturnType<typeof userEvent.setup>, bubble: HTMLElement, item: string) {
    await user.click(within(bubble).getByRole('button', { name: 'Message options' }));
    await user.click(screen.getByRole('menuitem', { name: item }));
  }

  it('replies: the menu’s Reply shows the message above the composer, and the reply goes out with reply_to_id and its quote', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const original = msg({ conversation_id: conversation.id, content: 'Dinner at 8?' });
    const { user, socket, log } = await openChat({ conversation, messages: [original] });
    await menuOf(user, bubbles(log)[0] as HTMLElement, 'Reply');
    expect(screen.getByTestId('reply-preview')).toHaveTextContent('Bob StoneDinner at 8?');
    await user.type(composer(), 'Yes!{Enter}');
    expect(socket.frames().filter((f) => f.type === 'message')).toEqual([
      { type: 'message', conversation_id: conversation.id, content: 'Yes!', client_id: 'client-1', reply_to_id: original.id },
    ]);
    expect(screen.queryByTestId('reply-preview')).not.toBeInTheDocument();
    expect(within(bubbles(log)[1] as HTMLElement).getByRole('button', { name: 'Bob Stone Dinner at 8?' })).toBeInTheDocument();
  });

  it('cancels a reply with its ×', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const { user, log } = await openChat({ conversation, messages: [msg({ conversation_id: conversation.id, content: 'hi' })] });
    await menuOf(user, bubbles(log)[0] as HTMLElement, 'Reply');
    await user.click(screen.getByRole('button', { name: 'Cancel reply' }));
    expect(screen.queryByTestId('reply-preview')).not.toBeInTheDocument();
  });

  it('reacts from the quick bar (PUT), and a click on my chip takes it back (DELETE)', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const original = msg({ conversation_id: conversation.id, content: 'Dinner at 8?' });
    const reacted = { ...original, version: 2, reactions: [{ emoji: '👍', count: 1, user_ids: [me.id] }] };
    const { user, log, calls } = await openChat({
      conversation,
      messages: [original],
      routes: {
        'PUT /conversations/*/messages/*/reactions/*': () => reply(200, reacted),
        'DELETE /conversations/*/messages/*/reactions': () => reply(200, { ...original, version: 3 }),
      },
    });
    await user.click(within(bubbles(log)[0] as HTMLElement).getByRole('button', { name: 'Message options' }));
    await user.click(screen.getByRole('button', { name: '👍' }));
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.path).toBe(`/conversations/${conversation.id}/messages/${original.id}/reactions/${encodeURIComponent('👍')}`);
    const chip = await within(log).findByRole('button', { name: '👍 1: You' });
    expect(chip).toHaveAttribute('aria-pressed', 'true');

    await user.click(chip);
    await waitFor(() => expect(within(log).queryByRole('group', { name: 'Reactions' })).not.toBeInTheDocument());
    expect(calls.some((c) => c.method === 'DELETE' && c.path.endsWith(`/messages/${original.id}/reactions`))).toBe(true);
  });

  it('reacts to someone else’s chip with the same emoji (PUT), not taking anything back', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const original = msg({ conversation_id: conversation.id, reactions: [{ emoji: '😂', count: 1, user_ids: [bob.id] }] });
    const { user, log, calls } = await openChat({
      conversation,
      messages: [original],
      routes: { 'PUT /conversations/*/messages/*/reactions/*': () => reply(200, original) },
    });
    await user.click(within(log).getByRole('button', { name: '😂 1: Bob Stone' }));
    expect(calls.filter((c) => c.method === 'PUT' || c.method === 'DELETE').map((c) => c.method)).toEqual(['PUT']);
  });

  it('edits in place: the composer shows "Editing" with the text, Enter saves (PATCH) and the bubble says "edited"', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const mine = mineAt(conversation, 'See you at 8');
    const { user, log, calls } = await openChat({
      conversation,
      messages: [mine],
      routes: {
        'PATCH /conversations/*/messages/*': (call: Call) =>
          reply(200, { ...mine, content: (call.body as { content: string }).content, edited_at: NOW.toISOString(), version: 2 }),
      },
    });
    await menuOf(user, bubbles(log)[0] as HTMLElement, 'Edit');
    expect(screen.getByTestId('editing')).toHaveTextContent('See you at 8');
    expect(composer()).toHaveValue('See you at 8');
    await user.clear(composer());
    await user.type(composer(), 'See you at 9{Enter}');
    expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ content: 'See you at 9' });
    await waitFor(() => expect(bubbles(log)[0]).toHaveTextContent('See you at 9'));
    expect(bubbles(log)[0]).toHaveTextContent('edited');
    expect(screen.queryByTestId('editing')).not.toBeInTheDocument();
    expect(composer()).toHaveValue('');
  });

  it('Up arrow in an empty composer edits my last message while it may still be edited; Escape cancels', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const { user } = await openChat({
      conversation,
      messages: [mineAt(conversation, 'first'), mineAt(conversation, 'last one'), msg({ conversation_id: conversation.id, content: 'theirs' })],
    });
    await user.click(composer());
    await user.keyboard('{ArrowUp}');
    expect(composer()).toHaveValue('last one');
    await user.keyboard('{Escape}');
    expect(composer()).toHaveValue('');
    expect(screen.queryByTestId('editing')).not.toBeInTheDocument();
  });

  it('offers no Edit once the edit window has passed, and Up arrow does nothing', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const { user, log } = await openChat({ conversation, messages: [mineAt(conversation, 'old', { created_at: '2026-11-24T14:40:00.000Z' })] });
    await user.click(within(bubbles(log)[0] as HTMLElement).getByRole('button', { name: 'Message options' }));
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual(['Reply', 'React', 'Delete']);
    await user.keyboard('{Escape}');
    await user.click(composer());
    await user.keyboard('{ArrowUp}');
    expect(screen.queryByTestId('editing')).not.toBeInTheDocument();
  });

  it('deletes for everyone after "Delete for everyone?", leaving a tombstone without a menu', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const mine = mineAt(conversation, 'oops');
    const { user, log, calls } = await openChat({
      conversation: { ...conversation, last_message: mine },
      messages: [mine],
      routes: { 'DELETE /conversations/*/messages/*': () => reply(200, { ...mine, content: '', deleted_at: NOW.toISOString(), version: 2 }) },
    });
    await menuOf(user, bubbles(log)[0] as HTMLElement, 'Delete');
    const dialog = screen.getByRole('alertdialog', { name: 'Delete for everyone?' });
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    expect(within(bubbles(log)[0] as HTMLElement).getByRole('button', { name: 'Message options' })).toHaveFocus();

    await menuOf(user, bubbles(log)[0] as HTMLElement, 'Delete');
    await user.click(screen.getByRole('button', { name: 'Delete for everyone' }));
    await waitFor(() => expect(bubbles(log)[0]).toHaveTextContent('🚫 This message was deleted'));
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.path)).toEqual([`/conversations/${conversation.id}/messages/${mine.id}`]);
    expect(within(bubbles(log)[0] as HTMLElement).queryByRole('button')).toBeNull();
    expect(screen.getByRole('option', { name: /Bob Stone/ })).toHaveTextContent('This message was deleted');
  });

  it('shows the server’s refusal as a short notice (403 past the edit window)', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const { user, log } = await openChat({
      conversation,
      messages: [mineAt(conversation, 'late')],
      routes: {
        'PATCH /conversations/*/messages/*': () =>
          reply(403, { statusCode: 403, message: 'A message can be edited for 15 minutes after it was sent', error: 'Forbidden' }),
      },
    });
    await menuOf(user, bubbles(log)[0] as HTMLElement, 'Edit');
    await user.type(composer(), '!{Enter}');
    expect(await screen.findByRole('alert')).toHaveTextContent('A message can be edited for 15 minutes after it was sent');
    expect(bubbles(log)[0]).toHaveTextContent('late');
    act(() => {
      jest.advanceTimersByTime(4_000);
    });
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('shows edits, reactions and deletions by others live, and the quotes of replies follow', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const original = msg({ conversation_id: conversation.id, content: 'Dinner at 8?' });
    const answer = mineAt(conversation, 'Sure', { reply_to: { id: original.id, sender_id: bob.id, preview: 'Dinner at 8?', deleted: false } });
    const { socket, log } = await openChat({ conversation, messages: [original, answer] });
    const push = (type: string, message: Message, event_seq: number) =>
      act(() => socket.push({ type, conversation_id: conversation.id, event_seq, message }));

    push('message_updated', { ...original, content: 'Dinner at 9?', edited_at: NOW.toISOString(), version: 2 }, 1);
    expect(bubbles(log)[0]).toHaveTextContent('Dinner at 9?edited');
    expect(within(bubbles(log)[1] as HTMLElement).getByRole('button', { name: 'Bob Stone Dinner at 9?' })).toBeInTheDocument();

    push('message_updated', { ...answer, version: 2, reactions: [{ emoji: '❤️', count: 1, user_ids: [bob.id] }] }, 2);
    expect(within(log).getByRole('button', { name: '❤️ 1: Bob Stone' })).toBeInTheDocument();

    push('message_deleted', { ...original, content: '', deleted_at: NOW.toISOString(), version: 3 }, 3);
    expect(bubbles(log)[0]).toHaveTextContent('This message was deleted');
    expect(within(bubbles(log)[1] as HTMLElement).getByRole('button', { name: 'Bob Stone This message was deleted' })).toBeInTheDocument();
  });

  it('jumps to the quoted message, loading older pages until it is there, and highlights it', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const first = msg({ conversation_id: conversation.id, content: 'the very first', created_at: '2026-11-24T10:00:00.000Z' });
    const latest = Array.from({ length: 50 }, (_, i) =>
      msg({
        conversation_id: conversation.id,
        content: `new ${i}`,
        created_at: new Date(NOW.getTime() - (50 - i) * 1000).toISOString(),
        reply_to: i === 49 ? { id: first.id, sender_id: bob.id, preview: 'the very first', deleted: false } : null,
      }),
    );
    const { user, log } = await openChat({
      conversation,
      routes: { 'GET /conversations/*/messages': (call: Call) => reply(200, call.query.get('before') ? [first] : latest) },
    });
    await user.click(within(log).getByRole('button', { name: 'Bob Stone the very first' }));
    await waitFor(() => expect(bubbles(log)[0]).toHaveTextContent('the very first'));
    await waitFor(() => expect(bubbles(log)[0]).toHaveClass('flash'));
  });

  it('renders system messages as centred notices from their fields', async () => {
    const group = makeConversation({ participants: [asPublic(me), bob, carol], is_group_chat: true, name: 'Trip' });
    const notice = (system: Message['system']) =>
      msg({ conversation_id: group.id, kind: 'system', sender_id: system?.actor_id ?? bob.id, content: '', system });
    const { log } = await openChat({
      conversation: group,
      messages: [
        notice({ action: 'member_added', actor_id: bob.id, user_ids: [carol.id, me.id], name: null, role: null }),
        notice({ action: 'renamed', actor_id: me.id, user_ids: [], name: 'Trip', role: null }),
        notice({ action: 'member_left', actor_id: carol.id, user_ids: [carol.id], name: null, role: null }),
      ],
    });
    expect(within(log).getAllByTestId('system-notice').map((n) => n.textContent)).toEqual([
      'Bob Stone added Carol King and you',
      'You renamed the group to “Trip”',
      'Carol King left',
    ]);
    expect(bubbles(log)).toHaveLength(0);
  });
});
