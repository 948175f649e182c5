import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useSession } from '../../store/session';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { asPublic, makeConversation, makePublicUser, makeUser } from '../../test-utils/fixtures';
import { installFetch, reply } from '../../test-utils/fetchMock';
import { App } from './App';

const alice = makeUser({ username: 'alice', full_name: 'Alice Liddell' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });
const chat = makeConversation({ participants: [asPublic(alice), bob] });

const routes = {
  'POST /auth/login': () => reply(200, { access_token: 'tok-1', token_type: 'bearer', expires_in: 86400 }),
  'GET /users/me': () => reply(200, alice),
  'GET /conversations': () => reply(200, [chat]),
  'GET /conversations/*/messages': () => reply(200, []),
  'POST /conversations/*/read': () => reply(200, {}),
  'GET /users/me/blocks': () => reply(200, []),
  'GET /users': () => reply(200, [bob]),
  'GET /users/search': () => reply(200, [bob]),
};

beforeEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/');
  useSession.setState({ token: null, user: null, notice: null, loggingOut: false });
  FakeSocket.reset();
  globalThis.WebSocket = FakeSocket as unknown as typeof WebSocket;
});

const composer = () => screen.getByRole('textbox', { name: 'Type a message' });

describe('where the focus goes', () => {
  it('lands in the composer on opening a chat', async () => {
    installFetch(routes);
    useSession.setState({ token: 'tok' });
    render(<App />);
    await screen.findByRole('navigation', { name: 'Chats' });
    await act(async () => FakeSocket.latest().accept(alice.id));
    await userEvent.click(await screen.findByRole('option', { name: /Bob Stone/ }));
    await waitFor(() => expect(composer()).toHaveFocus());
  });

  it('lands in the composer after login, in the chat the address names', async () => {
    installFetch(routes);
    history.replaceState(null, '', `/c/${chat.id}`);
    render(<App />);
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Login' }));
    await screen.findByRole('navigation', { name: 'Chats' });
    await act(async () => FakeSocket.latest().accept(alice.id));
    await waitFor(() => expect(composer()).toHaveFocus());
  });

  it('returns to the button that opened a dialog when it closes', async () => {
    installFetch(routes);
    useSession.setState({ token: 'tok' });
    render(<App />);
    const button = await screen.findByRole('button', { name: 'New chat' });
    await userEvent.click(button);
    expect(await screen.findByRole('dialog')).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(button).toHaveFocus();
  });
});
