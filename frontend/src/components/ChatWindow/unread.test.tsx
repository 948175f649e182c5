import { act, fireEvent, screen, within } from '@testing-library/react';
import type { Message } from '../../api/client';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { asPublic, makeConversation, makeMessage, makePublicUser, makeUser } from '../../test-utils/fixtures';
import { installIntersectionObserver } from '../../test-utils/intersection';
import { openChat } from '../../test-utils/openChat';
import { loggedInEachTest } from '../../test-utils/chatTests';

const me = makeUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });
const screenful = installIntersectionObserver();

function thread(conversationId: string, unread: number): Message[] {
  const read = [
    makeMessage({ conversation_id: conversationId, sender_id: bob.id, seq: 1, content: 'read one' }),
    makeMessage({ conversation_id: conversationId, sender_id: me.id, seq: 2, content: 'my answer' }),
  ];
  const fresh = Array.from({ length: unread }, (_, i) =>
    makeMessage({ conversation_id: conversationId, sender_id: bob.id, seq: 3 + i, content: `unread ${i + 1}` }),
  );
  return [...read, ...fresh];
}

/** The scroller as a browser lays it out: taller than its box, scrolled to `top`. */
function scrollTo(region: HTMLElement, top: number) {
  Object.defineProperty(region, 'scrollHeight', { configurable: true, value: 2000 });
  Object.defineProperty(region, 'clientHeight', { configurable: true, value: 500 });
  region.scrollTop = top;
  fireEvent.scroll(region);
}

const reads = (socket: FakeSocket) => socket.frames().filter((f) => f.type === 'read');

loggedInEachTest(me);

describe('ChatWindow: unread messages', () => {
  it('opens at the first unread message under "N unread messages", and reads only what comes on screen', async () => {
    const chat = makeConversation({ participants: [asPublic(me), bob], unread_count: 3, has_unread: true });
    const messages = thread(chat.id, 3);
    const { log, socket } = await openChat({ me, conversation: { ...chat, last_message: messages.at(-1) ?? null }, messages, row: 'Bob Stone' });

    const text = log.textContent ?? '';
    expect(within(log).getByTestId('unread-divider')).toHaveTextContent('3 unread messages');
    expect(text.indexOf('my answer')).toBeLessThan(text.indexOf('3 unread messages'));
    expect(text.indexOf('3 unread messages')).toBeLessThan(text.indexOf('unread 1'));
    expect(reads(socket)).toEqual([]);

    screenful.show('read one', 'my answer', 'unread 1');
    expect(reads(socket)).toEqual([{ type: 'read', conversation_id: chat.id, up_to_seq: 3 }]);
    expect(within(screen.getByRole('option', { name: /Bob Stone/ })).getByTestId('unread-badge')).toHaveTextContent('2');

    screenful.show('unread 3');
    expect(reads(socket).at(-1)).toEqual({ type: 'read', conversation_id: chat.id, up_to_seq: 5 });
    expect(within(screen.getByRole('option', { name: /Bob Stone/ })).queryByTestId('unread-badge')).toBeNull();
  });

  it('opens a chat without unread messages at the bottom, without a divider', async () => {
    const chat = makeConversation({ participants: [asPublic(me), bob] });
    const { log } = await openChat({ me, conversation: chat, messages: thread(chat.id, 0), row: 'Bob Stone' });
    expect(within(log).queryByTestId('unread-divider')).toBeNull();
  });

  it('leaves a message that arrives while the reader is scrolled up unread, and counts it on the jump-to-bottom button', async () => {
    const chat = makeConversation({ participants: [asPublic(me), bob] });
    const { socket } = await openChat({ me, conversation: chat, messages: thread(chat.id, 0), row: 'Bob Stone' });
    const region = screen.getByRole('region', { name: 'Message history' });
    screenful.show('read one', 'my answer');
    expect(screen.queryByRole('button', { name: /Scroll to the newest message/ })).toBeNull();

    scrollTo(region, 0);
    act(() => socket.push({ type: 'message', message: makeMessage({ conversation_id: chat.id, sender_id: bob.id, seq: 3, content: 'while you were away' }), event_seq: 1 }));

    expect(reads(socket)).toEqual([]);
    const jump = screen.getByRole('button', { name: 'Scroll to the newest message, 1 unread message' });
    expect(within(jump).getByTestId('new-messages-count')).toHaveTextContent('1');

    fireEvent.click(jump);
    expect(region.scrollTop).toBe(2000);
    screenful.show('while you were away');
    expect(reads(socket)).toEqual([{ type: 'read', conversation_id: chat.id, up_to_seq: 3 }]);
    expect(screen.queryByTestId('new-messages-count')).toBeNull();
  });
});
