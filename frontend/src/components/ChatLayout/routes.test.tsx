import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useSession } from '../../store/session';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { installFetch, reply } from '../../test-utils/fetchMock';
import { asPublic, makeConversation, makePublicUser, makeUser } from '../../test-utils/fixtures';
import { createTestSession } from '../../test-utils/testSession';
import { ChatLayout } from './ChatLayout';

const me = makeUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });
const chat = makeConversation({ participants: [asPublic(me), bob] });

function start() {
  installFetch({
    'GET /conversations': () => reply(200, [chat]),
    'GET /conversations/*/messages': () => reply(200, []),
    'GET /users/me/blocks': () => reply(200, []),
  });
  render(<ChatLayout me={me} session={createTestSession({ me })} />);
  act(() => FakeSocket.latest().accept(me.id));
}

const chatWindow = () => screen.queryByRole('region', { name: 'Chat with Bob Stone' });
const phone = (matches: boolean) => {
  window.matchMedia = ((query: string) => ({ matches, media: query })) as unknown as typeof window.matchMedia;
};

beforeEach(() => {
  FakeSocket.reset();
  useSession.setState({ token: 'tok', user: me, notice: null });
  history.replaceState(null, '', '/');
  phone(false);
});

describe('chat addresses', () => {
  it('gives the open chat an address, /c/{id}, and Back closes it', async () => {
    start();
    await userEvent.click(await screen.findByRole('option', { name: /Bob Stone/ }));
    expect(location.pathname).toBe(`/c/${chat.id}`);
    expect(chatWindow()).toBeInTheDocument();

    act(() => {
      history.back();
    });
    await waitFor(() => expect(chatWindow()).toBeNull());
    expect(location.pathname).toBe('/');
  });

  it('opens the chat the address names (a reload, or a link)', async () => {
    history.replaceState(null, '', `/c/${chat.id}`);
    start();
    expect(await screen.findByRole('region', { name: 'Chat with Bob Stone' })).toBeInTheDocument();
  });

  it('shows the list for the address of a chat the user does not have', async () => {
    history.replaceState(null, '', '/c/00000000-0000-4000-8000-0000000000ff');
    start();
    await screen.findByRole('option', { name: /Bob Stone/ });
    await waitFor(() => expect(location.pathname).toBe('/'));
    expect(chatWindow()).toBeNull();
  });

  it('closes the chat with Escape on a phone, not on a wide screen', async () => {
    start();
    await userEvent.click(await screen.findByRole('option', { name: /Bob Stone/ }));
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(chatWindow()).toBeInTheDocument();
    phone(true);
    fireEvent.keyDown(window, { key: 'Escape' });
    await waitFor(() => expect(chatWindow()).toBeNull());
  });
});
