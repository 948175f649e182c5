import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import type { Conversation } from '../../api/client';
import type { ChatSession } from '../../store/chatSession';
import { ChatSessionContext } from '../../store/ChatSessionContext';
import { makeAttachment, makeConversation, makeMessage, makePublicUser } from '../../test-utils/fixtures';
import { createTestSession } from '../../test-utils/testSession';
import { installFetch, reply } from '../../test-utils/fetchMock';
import { ConversationList } from './ConversationList';

const me = makePublicUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone', is_online: true });
const carol = makePublicUser({ username: 'carol', full_name: 'Carol King' });

function withLast(conversation: Conversation, sender: string, content: string, at: string, status: 'sent' | 'delivered' | 'read' = 'sent') {
  const last = makeMessage({ conversation_id: conversation.id, sender_id: sender, content, created_at: at, status });
  return { ...conversation, last_message: last, last_message_at: at };
}

const withBob = withLast(makeConversation({ participants: [me, bob] }), bob.id, 'See you at 8', '2026-11-24T10:00:00.000Z');
const withCarol = withLast(makeConversation({ participants: [me, carol] }), me.id, 'Done!', '2026-11-24T12:00:00.000Z', 'read');
const group = withLast(
  makeConversation({ participants: [me, bob, carol], is_group_chat: true, name: 'Book club', unread_count: 3, has_unread: true }),
  carol.id,
  'Chapter 4 tonight',
  '2026-11-24T11:00:00.000Z',
);
const empty = makeConversation({ participants: [me, makePublicUser({ full_name: 'Dan New' })], created_at: '2026-11-24T09:00:00.000Z' });

function titles() {
  return screen.getAllByRole('option').map((row) => row.querySelector('.title')?.textContent);
}

let session: ChatSession;
const conversations = () => session.stores.conversations.getState();
const presence = () => session.stores.presence.getState();
function wrapper({ children }: { children: ReactNode }) {
  return <ChatSessionContext.Provider value={session}>{children}</ChatSessionContext.Provider>;
}

beforeEach(() => {
  session = createTestSession();
  conversations().setAll([withBob, withCarol, group, empty]);
});

describe('ConversationList', () => {
  it('orders chats by most recent activity', () => {
    render(<ConversationList meId={me.id} onSelect={jest.fn()} />, { wrapper });
    expect(screen.getByRole('listbox', { name: 'Chat list' })).toBeInTheDocument();
    expect(titles()).toEqual(['Carol King', 'Book club', 'Bob Stone', 'Dan New']);
  });

  it('moves a chat to the top when a message arrives, and counts it as unread', () => {
    render(<ConversationList meId={me.id} onSelect={jest.fn()} />, { wrapper });
    act(() =>
      conversations().applyMessage(
        makeMessage({ conversation_id: withBob.id, sender_id: bob.id, content: 'Running late', created_at: '2026-11-24T13:00:00.000Z' }),
        true,
      ),
    );
    expect(titles()[0]).toBe('Bob Stone');
    const row = screen.getAllByRole('option')[0] as HTMLElement;
    expect(row).toHaveTextContent('Running late');
    expect(within(row).getByTestId('unread-badge')).toHaveTextContent('1');
  });

  it('shows a green unread badge and bolds the row while unread', () => {
    render(<ConversationList meId={me.id} onSelect={jest.fn()} />, { wrapper });
    const row = screen.getByRole('option', { name: /^Book club/ });
    expect(within(row).getByTestId('unread-badge')).toHaveTextContent('3');
    expect(row).toHaveClass('unread');
    expect(row).toHaveAccessibleName(/3 unread messages/);
    const read = screen.getByRole('option', { name: /^Bob Stone/ });
    expect(within(read).queryByTestId('unread-badge')).toBeNull();
    expect(read).not.toHaveClass('unread');

    act(() => conversations().setUnread(group.id, 0));
    expect(within(row).queryByTestId('unread-badge')).toBeNull();
    expect(row).not.toHaveClass('unread');
  });

  it('shows the preview with ticks on my last message and the sender in groups', () => {
    render(<ConversationList meId={me.id} onSelect={jest.fn()} />, { wrapper });
    const mine = screen.getByRole('option', { name: /^Carol King/ });
    expect(within(mine).getByTestId('preview')).toHaveTextContent('Done!');
    expect(within(mine).getByRole('img', { name: 'Read' })).toBeInTheDocument();
    const theirs = screen.getByRole('option', { name: /^Bob Stone/ });
    expect(within(theirs).queryByRole('img')).toBeNull();
    expect(within(screen.getByRole('option', { name: /^Book club/ })).getByTestId('preview')).toHaveTextContent('Carol King: Chapter 4 tonight');
    expect(within(screen.getByRole('option', { name: /^Dan New/ })).getByTestId('preview')).toHaveTextContent('No messages yet');
  });

  it("previews a last message the server cannot decrypt as one that can't be displayed", () => {
    const unreadable = { ...withBob, last_message: { ...withBob.last_message, content: '', unavailable: true as const } };
    conversations().setAll([unreadable]);
    render(<ConversationList meId={me.id} onSelect={jest.fn()} />, { wrapper });
    expect(within(screen.getByRole('option', { name: /^Bob Stone/ })).getByTestId('preview')).toHaveTextContent("⚠️ This message can't be displayed");
  });

  it('updates preview ticks from receipts', () => {
    const sent = withLast(makeConversation({ participants: [me, bob] }), me.id, 'ping', '2026-11-24T14:00:00.000Z', 'sent');
    act(() => conversations().setAll([sent]));
    render(<ConversationList meId={me.id} onSelect={jest.fn()} />, { wrapper });
    expect(screen.getByRole('img', { name: 'Sent' })).toBeInTheDocument();
    act(() => conversations().receipt(sent.id, bob.id, 'delivered', '2026-11-24T14:00:01.000Z'));
    expect(screen.getByRole('img', { name: 'Delivered' })).toBeInTheDocument();
    act(() => conversations().receipt(sent.id, bob.id, 'read', '2026-11-24T14:00:02.000Z'));
    expect(screen.getByRole('img', { name: 'Read' })).toBeInTheDocument();
  });

  it('shows typing… instead of the preview', () => {
    render(<ConversationList meId={me.id} onSelect={jest.fn()} />, { wrapper });
    act(() => presence().setTyping(withBob.id, bob.id, Date.now() + 5000));
    expect(screen.getByRole('option', { name: /^Bob Stone/ })).toHaveTextContent('typing…');
  });

  it('shows a presence dot for an online contact', () => {
    render(<ConversationList meId={me.id} onSelect={jest.fn()} />, { wrapper });
    expect(within(screen.getByRole('option', { name: /^Bob Stone/ })).getByTestId('online-dot')).toBeInTheDocument();
    expect(within(screen.getByRole('option', { name: /^Carol King/ })).queryByTestId('online-dot')).toBeNull();
    act(() => presence().set(bob.id, { online: false, lastSeenAt: '2026-11-24T14:00:00.000Z' }));
    expect(within(screen.getByRole('option', { name: /^Bob Stone/ })).queryByTestId('online-dot')).toBeNull();
  });

  it('filters by name', () => {
    render(<ConversationList meId={me.id} filter="car" onSelect={jest.fn()} />, { wrapper });
    expect(titles()).toEqual(['Carol King', 'Book club']);
  });

  it('opens a chat by keyboard (Tab, arrows, Enter) and by click', async () => {
    const onSelect = jest.fn();
    render(<ConversationList meId={me.id} onSelect={onSelect} />, { wrapper });
    await userEvent.tab();
    expect(screen.getByRole('option', { name: /^Carol King/ })).toHaveFocus();
    await userEvent.keyboard('{ArrowDown}');
    expect(screen.getByRole('option', { name: /^Book club/ })).toHaveFocus();
    await userEvent.keyboard('{Enter}');
    expect(onSelect).toHaveBeenLastCalledWith(group.id);
    await userEvent.keyboard('{End}');
    expect(screen.getByRole('option', { name: /^Dan New/ })).toHaveFocus();

    await userEvent.click(screen.getByRole('option', { name: /^Bob Stone/ }));
    expect(onSelect).toHaveBeenLastCalledWith(withBob.id);
  });

  it('does what its menu says without opening the chat, by mouse and by keyboard', async () => {
    const { calls } = installFetch({ 'PATCH /conversations/*/settings': (call) => reply(200, { conversation_id: call.path.split('/')[2], ...(call.body as object) }) });
    const onSelect = jest.fn();
    render(<ConversationList meId={me.id} onSelect={onSelect} />, { wrapper });
    await userEvent.pointer({ keys: '[MouseRight]', target: screen.getByRole('option', { name: /^Book club/ }) });
    await userEvent.click(screen.getByRole('menuitem', { name: 'Archive chat' }));
    expect(screen.queryByRole('menu')).toBeNull();

    await userEvent.pointer({ keys: '[MouseRight]', target: screen.getByRole('option', { name: /^Bob Stone/ }) });
    screen.getByRole('menuitem', { name: 'Pin chat' }).focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.queryByRole('menu')).toBeNull();

    expect(onSelect).not.toHaveBeenCalled();
    expect(calls.map((call) => [call.method, call.path, call.body])).toEqual([
      ['PATCH', `/conversations/${group.id}/settings`, { archived: true }],
      ['PATCH', `/conversations/${withBob.id}/settings`, { pinned: true }],
    ]);
  });

  it('marks the open chat as selected', () => {
    act(() => conversations().setActive(group.id));
    render(<ConversationList meId={me.id} onSelect={jest.fn()} />, { wrapper });
    expect(screen.getByRole('option', { name: /^Book club/ })).toHaveAttribute('aria-selected', 'true');
    expect(screen.getByRole('option', { name: /^Bob Stone/ })).toHaveAttribute('aria-selected', 'false');
  });

  it('previews a last message that only carries files as WhatsApp does: 📷 Photo, 📄 its name', () => {
    const photo = { ...withBob, last_message: { ...withBob.last_message, content: '', attachments: [makeAttachment()] } };
    const pdf = makeAttachment({ filename: 'minutes.pdf', content_type: 'application/pdf' });
    const file = { ...withCarol, last_message: { ...withCarol.last_message, content: '', attachments: [pdf] } };
    conversations().setAll([photo, file]);
    render(<ConversationList meId={me.id} onSelect={jest.fn()} />, { wrapper });
    expect(screen.getByRole('option', { name: /Bob Stone/ })).toHaveTextContent('📷 Photo');
    expect(screen.getByRole('option', { name: /Carol King/ })).toHaveTextContent('📄 minutes.pdf');
  });
});
