import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useSession } from '../../store/session';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { makeUser } from '../../test-utils/fixtures';
import { installFetch, reply } from '../../test-utils/fetchMock';
import { createTestSession } from '../../test-utils/testSession';
import { ChatLayout } from './ChatLayout';

const me = makeUser({ username: 'me', full_name: 'Me' });

beforeEach(() => {
  FakeSocket.reset();
  useSession.setState({ token: 'tok', user: me, notice: null });
  installFetch({ 'GET /conversations': () => reply(200, []) });
});

describe('ChatLayout', () => {
  it('opens the profile in place of the chats, and gives the focus back to its button on the way back', async () => {
    render(<ChatLayout me={me} session={createTestSession({ me })} />);
    await userEvent.click(screen.getByRole('button', { name: 'Profile' }));
    expect(screen.getByRole('heading', { name: 'Profile' })).toHaveFocus();
    expect(screen.queryByRole('navigation', { name: 'Chats' })).not.toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.getByRole('navigation', { name: 'Chats' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Profile' })).toHaveFocus();
  });

  it('opens the linked devices from the header, and gives the focus back to their button on the way back', async () => {
    installFetch({ 'GET /conversations': () => reply(200, []), 'GET /auth/sessions': () => reply(200, []) });
    render(<ChatLayout me={me} session={createTestSession({ me })} />);
    await userEvent.click(screen.getByRole('button', { name: 'Linked devices' }));
    expect(screen.getByRole('region', { name: 'Linked devices' })).toBeInTheDocument();
    expect(screen.getByRole('heading', { name: 'Linked devices' })).toHaveFocus();
    await userEvent.click(screen.getByRole('button', { name: 'Back to chats' }));
    expect(screen.getByRole('navigation', { name: 'Chats' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Linked devices' })).toHaveFocus();
  });

  it('opens Settings from the header; its entries open their panels, which go back to Settings, and Settings back to the chats', async () => {
    installFetch({ 'GET /conversations': () => reply(200, []), 'GET /auth/sessions': () => reply(200, []) });
    render(<ChatLayout me={me} session={createTestSession({ me })} />);
    await userEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByRole('heading', { name: 'Settings' })).toHaveFocus();

    await userEvent.click(screen.getByRole('button', { name: /^Profile\W+Me$/ }));
    expect(screen.getByRole('heading', { name: 'Profile' })).toHaveFocus();
    await userEvent.click(screen.getByRole('button', { name: 'Back to settings' }));
    expect(screen.getByRole('button', { name: /^Profile\W+Me$/ })).toHaveFocus();

    await userEvent.click(screen.getByRole('button', { name: /^Linked devices\W/ }));
    expect(screen.getByRole('region', { name: 'Linked devices' })).toBeInTheDocument();
    await userEvent.keyboard('{Escape}');
    expect(screen.getByRole('button', { name: /^Linked devices\W/ })).toHaveFocus();
    expect(screen.getByRole('region', { name: 'Settings' })).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'Back to chats' }));
    expect(screen.getByRole('navigation', { name: 'Chats' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Settings' })).toHaveFocus();

    // Opened again, Settings starts at its title, though the profile was the last panel closed.
    await userEvent.click(screen.getByRole('button', { name: 'Profile' }));
    await userEvent.keyboard('{Escape}');
    await userEvent.click(screen.getByRole('button', { name: 'Settings' }));
    expect(screen.getByRole('heading', { name: 'Settings' })).toHaveFocus();
  });

  it('says when the server refused the connection for too many open tabs or devices, and clears once connected again', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      render(<ChatLayout me={me} session={createTestSession({ me, realtime: { random: () => 0.5 } })} />);
      await screen.findByText(/No chats yet/);
      // The strip under the header (the chat list says it is loading, a status too).
      const banner = () => screen.queryByText(/Messages you send are kept/)?.closest('[role="status"]');
      act(() => FakeSocket.latest().drop(4429));
      expect(banner()).toHaveTextContent('Too many open ChatFlow tabs or devices — close one to reconnect.');
      expect(banner()).toHaveTextContent('Retrying in 3 s.');

      act(() => jest.advanceTimersByTime(3000));
      act(() => FakeSocket.latest().drop(1006));
      expect(banner()).toHaveTextContent(/^Connecting…/);
      act(() => jest.advanceTimersByTime(10_000));
      await act(async () => FakeSocket.latest().accept(me.id));
      expect(banner()).toBeUndefined();
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps the session through a server whose database is down (1013): the connecting strip, retries, then connected', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      render(<ChatLayout me={me} session={createTestSession({ me, realtime: { random: () => 0.5 } })} />);
      await screen.findByText(/No chats yet/);
      const banner = () => screen.queryByText(/Messages you send are kept/)?.closest('[role="status"]');
      act(() => FakeSocket.latest().drop(1013));
      expect(banner()).toHaveTextContent(/^Connecting…/);
      act(() => jest.advanceTimersByTime(375));
      act(() => FakeSocket.latest().drop(1013));
      expect(banner()).toHaveTextContent('Retrying in 1 s.');
      expect(useSession.getState()).toMatchObject({ token: 'tok', notice: null });

      act(() => jest.advanceTimersByTime(750));
      await act(async () => FakeSocket.latest().accept(me.id));
      expect(banner()).toBeUndefined();
      expect(useSession.getState().token).toBe('tok');
    } finally {
      jest.useRealTimers();
    }
  });
});
