import { render, screen } from '@testing-library/react';
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
});
