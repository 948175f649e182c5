import { act, screen, within } from '@testing-library/react';
import type { Conversation, Participant } from '../../api/client';
import { useSession } from '../../store/session';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { reply } from '../../test-utils/fetchMock';
import { asPublic, makeConversation, makeMessage, makePublicUser, makeSystemMessage, makeUser } from '../../test-utils/fixtures';
import { openChat } from '../../test-utils/openChat';

const NOW = new Date('2026-11-24T15:00:00.000Z');
const me = makeUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone', is_online: true });
const carol = makePublicUser({ username: 'carol', full_name: 'Carol' });
/** Bob, as the server shows him once he deleted his account. */
const gone: Participant = { ...bob, username: 'deleted:3f0c2a0e6d1b4c53', full_name: null, is_online: false, last_seen_at: null, deleted: true };
const direct = makeConversation({ participants: [asPublic(me), bob], last_event_seq: 3 });
const READ_ONLY = "This account was deleted. You can't send messages to it.";

const fromBob = makeMessage({ conversation_id: direct.id, sender_id: bob.id, content: 'See you', created_at: '2026-11-24T14:50:00.000Z', seq: 1 });
const myReply = makeMessage({
  conversation_id: direct.id,
  sender_id: me.id,
  content: 'Sure',
  created_at: '2026-11-24T14:55:00.000Z',
  seq: 2,
  reply_to: { id: fromBob.id, sender_id: bob.id, preview: 'See you', deleted: false },
  reactions: [{ emoji: '👍', count: 1, user_ids: [bob.id] }],
});

/** The server ends the one-on-one as Bob's account goes: the other person is told live. */
function bobDeletesHisAccount(socket: FakeSocket, conversation: Conversation = direct) {
  act(() =>
    socket.push({
      type: 'conversation_updated',
      conversation_id: direct.id,
      event_seq: 4,
      conversation: { ...conversation, id: direct.id, participants: [asPublic(me), gone], last_event_seq: 4 },
    }),
  );
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, advanceTimers: true });
  FakeSocket.reset();
  useSession.setState({ token: 'tok', user: me, notice: null });
});

afterEach(() => jest.useRealTimers());

describe('a one-on-one whose other person deleted their account', () => {
  it('names them "Deleted account" everywhere, with a neutral picture and no presence, and turns read-only live', async () => {
    const { user, socket, log, session } = await openChat({ me, conversation: direct, messages: [myReply, fromBob], row: 'Bob Stone' });
    expect(screen.getByRole('textbox', { name: 'Type a message' })).toBeInTheDocument();

    bobDeletesHisAccount(socket);

    const row = screen.getByRole('option', { name: /Deleted account/ });
    expect(within(row).getByTestId('avatar-deleted')).toBeInTheDocument();
    expect(within(row).queryByTestId('online-dot')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Deleted account', level: 2 })).toBeInTheDocument();
    expect(screen.queryByTestId('chat-subtitle')).toBeNull();
    expect(within(log).getByRole('button', { name: 'Deleted account See you' })).toBeInTheDocument();
    expect(within(log).getByRole('button', { name: '👍 1: Deleted account' })).toBeInTheDocument();
    expect(screen.queryByText(/Bob Stone|deleted:/)).toBeNull();

    expect(screen.queryByRole('textbox', { name: 'Type a message' })).toBeNull();
    expect(screen.getByText(READ_ONLY)).toHaveAttribute('role', 'status');
    const before = socket.sent.length;
    act(() => session.send(direct.id, 'Anyone there?'));
    expect(socket.sent.length).toBe(before);

    await user.click(screen.getByRole('button', { name: 'Contact info' }));
    const panel = screen.getByRole('complementary', { name: 'Contact info' });
    expect(within(panel).getByRole('heading', { name: 'Deleted account' })).toBeInTheDocument();
    expect(within(panel).getByTestId('avatar-deleted')).toBeInTheDocument();
    expect(panel).not.toHaveTextContent('@');
    expect(panel).not.toHaveTextContent(/online|last seen/);
    expect(within(panel).queryByRole('button', { name: /Block/ })).toBeNull();
  });

  it('offers neither Reply nor Edit on its messages, with no composer to write them in', async () => {
    const { user, socket, log } = await openChat({ me, conversation: direct, messages: [myReply, fromBob], row: 'Bob Stone' });
    bobDeletesHisAccount(socket);
    // The user's own message, still within the edit window.
    await user.click(within(log).getAllByRole('button', { name: 'Message options' }).at(-1)!);
    const menu = screen.getByRole('menu');
    expect(within(menu).queryByRole('menuitem', { name: 'Reply' })).toBeNull();
    expect(within(menu).queryByRole('menuitem', { name: 'Edit' })).toBeNull();
    expect(within(menu).getByRole('menuitem', { name: 'Delete' })).toBeInTheDocument();
  });

  it('names them "Deleted account" in a group the user shares with them too: sender, notices, filter', async () => {
    const group = makeConversation({ participants: [asPublic(me, 'owner'), bob, carol], is_group_chat: true, name: 'Trip', last_event_seq: 2 });
    const said = makeMessage({ conversation_id: group.id, sender_id: bob.id, content: 'Bye all', created_at: '2026-11-24T10:00:00.000Z', seq: 1 });
    const left = makeSystemMessage(group.id, bob.id, 'member_left', [], { created_at: '2026-11-24T10:00:01.000Z', seq: 2 });
    const { socket, log, user } = await openChat({
      me,
      conversation: group,
      messages: [left, said],
      row: 'Trip',
      routes: { 'GET /conversations': () => reply(200, [group, direct]) },
    });
    expect(within(log).getByText('Bob Stone')).toBeInTheDocument();

    bobDeletesHisAccount(socket);

    expect(within(log).getByText('Deleted account')).toBeInTheDocument();
    expect(within(log).getByTestId('system-notice')).toHaveTextContent('Deleted account left');
    await user.type(screen.getByRole('searchbox', { name: 'Search chats' }), 'deleted:');
    expect(screen.getByText('No chats found')).toBeInTheDocument();
  });
});
