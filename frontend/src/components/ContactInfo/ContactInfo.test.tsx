import { act, screen, waitFor, within } from '@testing-library/react';
import { useSession } from '../../store/session';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { asPublic, makeConversation, makePublicUser, makeUser } from '../../test-utils/fixtures';
import { reply } from '../../test-utils/fetchMock';
import { openChat } from '../../test-utils/openChat';

const NOW = new Date('2026-11-24T15:00:00.000Z');
const me = makeUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone', is_online: false, last_seen_at: '2026-11-24T09:30:00.000Z' });
const chat = makeConversation({ participants: [asPublic(me), bob] });
const composer = () => screen.queryByRole('textbox', { name: 'Type a message' });
const BLOCKED = 'You blocked this contact. Tap to unblock.';

function openContact(routes: Parameters<typeof openChat>[0]['routes'] = {}) {
  return openChat({
    me,
    conversation: chat,
    row: 'Bob Stone',
    routes: { 'POST /users/*/block': () => reply(204), 'DELETE /users/*/block': () => reply(204), ...routes },
  });
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, advanceTimers: true });
  FakeSocket.reset();
  useSession.setState({ token: 'tok', user: me, notice: null });
});

afterEach(() => jest.useRealTimers());

describe('ContactInfo and blocking', () => {
  it('shows the contact’s name, username and presence as the server sends it', async () => {
    const { user } = await openContact();
    await user.click(screen.getByRole('button', { name: 'Contact info' }));
    const panel = screen.getByRole('complementary', { name: 'Contact info' });
    expect(within(panel).getByRole('heading', { name: 'Bob Stone' })).toBeInTheDocument();
    expect(panel).toHaveTextContent('@bob');
    expect(panel).toHaveTextContent('last seen today at');
    expect(within(panel).getByRole('button', { name: 'Block Bob Stone' })).toBeInTheDocument();
  });

  it('blocks after a confirmation: the composer gives way to "You blocked this contact"; tapping it unblocks after another', async () => {
    const { user, calls } = await openContact();
    await user.click(screen.getByRole('button', { name: 'Contact info' }));
    const panel = screen.getByRole('complementary', { name: 'Contact info' });
    await user.click(within(panel).getByRole('button', { name: 'Block Bob Stone' }));
    const confirm = screen.getByRole('alertdialog', { name: 'Block Bob Stone?' });
    expect(confirm).toHaveAccessibleDescription(/cannot send you messages/);
    await user.click(within(confirm).getByRole('button', { name: 'Block' }));
    expect(calls).toContainEqual(expect.objectContaining({ method: 'POST', path: `/users/${bob.id}/block` }));
    expect(await screen.findByRole('button', { name: BLOCKED })).toBeInTheDocument();
    expect(composer()).toBeNull();
    expect(within(panel).getByRole('button', { name: 'Unblock Bob Stone' })).toBeInTheDocument();

    await user.click(within(panel).getByRole('button', { name: 'Close' }));
    await user.click(screen.getByRole('button', { name: BLOCKED }));
    await user.click(within(screen.getByRole('alertdialog', { name: 'Unblock Bob Stone?' })).getByRole('button', { name: 'Unblock' }));
    expect(calls).toContainEqual(expect.objectContaining({ method: 'DELETE', path: `/users/${bob.id}/block` }));
    await waitFor(() => expect(composer()).not.toBeNull());
    expect(screen.queryByRole('button', { name: BLOCKED })).toBeNull();
  });

  it('knows whom the user blocked from the server after connecting', async () => {
    await openContact({ 'GET /users/me/blocks': () => reply(200, [bob]) });
    expect(await screen.findByRole('button', { name: BLOCKED })).toBeInTheDocument();
    expect(composer()).toBeNull();
  });

  it('cancels a block with Escape, without closing the panel', async () => {
    const { user, calls } = await openContact();
    await user.click(screen.getByRole('button', { name: 'Contact info' }));
    await user.click(screen.getByRole('button', { name: 'Block Bob Stone' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByRole('complementary', { name: 'Contact info' })).toBeInTheDocument();
    expect(calls.some((c) => c.path.endsWith('/block'))).toBe(false);
  });

  it('shows the server’s refusal of a block', async () => {
    const { user } = await openContact({ 'POST /users/*/block': () => reply(404, { statusCode: 404, message: 'User not found', error: 'Not Found' }) });
    await user.click(screen.getByRole('button', { name: 'Contact info' }));
    await user.click(screen.getByRole('button', { name: 'Block Bob Stone' }));
    await user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Block' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('User not found');
    expect(composer()).not.toBeNull();
  });

  it('shows why a message to a contact who blocked the user was not sent', async () => {
    const { user, socket, log } = await openContact();
    await user.type(composer()!, 'Are you there?{Enter}');
    act(() => socket.push({ type: 'error', code: 'forbidden', detail: 'You cannot send messages to this contact', client_id: 'client-1' }));
    const bubble = within(log).getByTestId('message').parentElement!;
    expect(bubble).toHaveTextContent('Not sent: You cannot send messages to this contact');
    expect(within(log).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });
});
