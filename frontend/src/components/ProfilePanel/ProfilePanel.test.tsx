import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ChatSession } from '../../store/chatSession';
import { ChatSessionContext } from '../../store/ChatSessionContext';
import { useSession } from '../../store/session';
import { makeUser } from '../../test-utils/fixtures';
import { ProfilePanel } from './ProfilePanel';

const me = makeUser({ full_name: 'Ada', avatar_url: null });

function setup() {
  const updateProfile = jest.fn(async (body: { full_name?: string | null; avatar_url?: string | null }) => ({ ...me, ...body }));
  useSession.setState({ token: 'tok', user: me });
  render(
    <ChatSessionContext.Provider value={{ updateProfile } as unknown as ChatSession}>
      <ProfilePanel onClose={jest.fn()} />
    </ChatSessionContext.Provider>,
  );
  return { updateProfile };
}

describe('ProfilePanel', () => {
  it('saves the full name and avatar URL', async () => {
    const { updateProfile } = setup();
    await userEvent.clear(screen.getByLabelText('Your name'));
    await userEvent.type(screen.getByLabelText('Your name'), 'Ada Lovelace');
    await userEvent.type(screen.getByLabelText('Avatar URL'), 'https://example.com/ada.png');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(updateProfile).toHaveBeenCalledWith({ full_name: 'Ada Lovelace', avatar_url: 'https://example.com/ada.png' });
    expect(await screen.findByRole('status')).toHaveTextContent('Saved');
    expect(useSession.getState().user?.full_name).toBe('Ada Lovelace');
  });

  it('refuses an avatar that is not an http(s) URL', async () => {
    const { updateProfile } = setup();
    await userEvent.type(screen.getByLabelText('Avatar URL'), 'javascript:alert(1)');
    await userEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(screen.getByRole('alert')).toHaveTextContent('The avatar must be an http(s) URL.');
    expect(updateProfile).not.toHaveBeenCalled();
  });
});
