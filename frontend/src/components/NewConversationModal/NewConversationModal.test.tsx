import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ApiError, type Conversation, type PublicUser } from '../../api/client';
import type { ChatSession } from '../../store/chatSession';
import { ChatSessionContext } from '../../store/ChatSessionContext';
import { makeConversation, makePublicUser } from '../../test-utils/fixtures';
import { NewConversationModal } from './NewConversationModal';

const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });
const carol = makePublicUser({ username: 'carol', full_name: 'Carol King' });
const dan = makePublicUser({ username: 'dan', full_name: null });
const everyone = [bob, carol, dan];

function setup(createResult: Promise<Conversation> = Promise.resolve(makeConversation({ participants: [bob] }))) {
  const searchUsers = jest.fn(async (q: string): Promise<PublicUser[]> =>
    everyone.filter((u) => `${u.username} ${u.full_name ?? ''}`.toLowerCase().includes(q.toLowerCase())),
  );
  const createConversation = jest.fn(() => createResult);
  const session = { searchUsers, createConversation } as unknown as ChatSession;
  const onClose = jest.fn();
  const onCreated = jest.fn();
  const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
  render(
    <ChatSessionContext.Provider value={session}>
      <button type="button">outside</button>
      <NewConversationModal onClose={onClose} onCreated={onCreated} />
    </ChatSessionContext.Provider>,
  );
  return { user, searchUsers, createConversation, onClose, onCreated };
}

async function settleSearch() {
  await act(async () => {
    jest.advanceTimersByTime(250);
  });
}

beforeEach(() => {
  jest.useFakeTimers();
});

afterEach(() => {
  jest.useRealTimers();
});

describe('NewConversationModal', () => {
  it('is a labelled modal dialog with the search box focused', async () => {
    setup();
    await settleSearch();
    const dialog = screen.getByRole('dialog', { name: 'New chat' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(screen.getByRole('searchbox', { name: 'Search people' })).toHaveFocus();
  });

  it('searches people as you type, once the typing pauses', async () => {
    const { user, searchUsers } = setup();
    await settleSearch();
    expect(searchUsers).toHaveBeenLastCalledWith('');
    expect(screen.getAllByRole('listitem')).toHaveLength(3);
    await user.type(screen.getByRole('searchbox', { name: 'Search people' }), 'car');
    await settleSearch();
    expect(searchUsers).toHaveBeenCalledTimes(2);
    expect(searchUsers).toHaveBeenLastCalledWith('car');
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
    expect(screen.getByRole('button', { name: /Carol King/ })).toBeInTheDocument();
  });

  it('starts a one-on-one chat with the person clicked', async () => {
    const { user, createConversation, onCreated } = setup();
    await settleSearch();
    await user.click(screen.getByRole('button', { name: /Bob Stone/ }));
    expect(createConversation).toHaveBeenCalledWith({ participant_ids: [bob.id], is_group_chat: false });
    await act(async () => undefined);
    expect(onCreated).toHaveBeenCalled();
  });

  it('starts a one-on-one chat with the first person found when Enter is pressed in the search box', async () => {
    const { user, createConversation } = setup();
    await settleSearch();
    await user.type(screen.getByRole('searchbox', { name: 'Search people' }), 'car');
    await settleSearch();
    await user.keyboard('{Enter}');
    expect(createConversation).toHaveBeenCalledWith({ participant_ids: [carol.id], is_group_chat: false });
  });

  it('creates a group with a name and several members', async () => {
    const { user, createConversation } = setup();
    await settleSearch();
    await user.click(screen.getByRole('button', { name: 'Group' }));
    expect(screen.getByRole('dialog', { name: 'New group' })).toBeInTheDocument();
    await user.click(screen.getByRole('checkbox', { name: /Bob Stone/ }));
    await user.click(screen.getByRole('checkbox', { name: /dan/ }));
    expect(screen.getByRole('list', { name: 'Members' })).toHaveTextContent('Bob Stone');
    await user.type(screen.getByRole('textbox', { name: 'Group name' }), '  Book club {Enter}');
    expect(createConversation).toHaveBeenCalledWith({ participant_ids: [bob.id, dan.id], is_group_chat: true, name: 'Book club' });
  });

  it('asks for a group name and at least one member', async () => {
    const { user, createConversation } = setup();
    await settleSearch();
    await user.click(screen.getByRole('button', { name: 'Group' }));
    await user.click(screen.getByRole('button', { name: 'Create group' }));
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Give the group a name.');
    expect(alert).toHaveTextContent('Add at least one member.');
    expect(createConversation).not.toHaveBeenCalled();

    await user.click(screen.getByRole('checkbox', { name: /Carol King/ }));
    await user.click(screen.getByRole('button', { name: 'Remove Carol King' }));
    expect(screen.getByRole('checkbox', { name: /Carol King/ })).not.toBeChecked();
  });

  it('shows the server’s refusal', async () => {
    const { user } = setup(Promise.reject(new ApiError(400, 'unknown user id')));
    await settleSearch();
    await user.click(screen.getByRole('button', { name: /Bob Stone/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent('unknown user id');
  });

  it('closes with Escape and with the close button', async () => {
    const { user, onClose } = setup();
    await settleSearch();
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(onClose).toHaveBeenCalledTimes(2);
  });

  it('traps focus: Tab and Shift+Tab cycle inside the dialog', async () => {
    const { user } = setup();
    await settleSearch();
    const close = screen.getByRole('button', { name: 'Close' });
    const lastPerson = screen.getByRole('button', { name: /dan/ });
    close.focus();
    await user.tab({ shift: true });
    expect(lastPerson).toHaveFocus();
    await user.tab();
    expect(close).toHaveFocus();
    expect(screen.getByRole('button', { name: 'outside' })).not.toHaveFocus();
  });
});
