import { MUTED_FOREVER } from '@chatflow/protocol';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import type { ChatSettings, Conversation } from '../../api/client';
import { useNotificationPreferences } from '../../notifications/preferences';
import type { ChatSession } from '../../store/chatSession';
import { ChatSessionContext } from '../../store/ChatSessionContext';
import { installFetch, reply } from '../../test-utils/fetchMock';
import { makeConversation, makeMessage, makePublicUser } from '../../test-utils/fixtures';
import { createTestSession } from '../../test-utils/testSession';
import { ChatListPane } from './ChatListPane';

const me = makePublicUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });
const carol = makePublicUser({ username: 'carol', full_name: 'Carol King' });
const dan = makePublicUser({ username: 'dan', full_name: 'Dan Brown' });

function chat(other: typeof bob, at: string, overrides: Partial<Conversation> = {}): Conversation {
  const conversation = makeConversation({ participants: [me, other], created_by: me.id, ...overrides });
  const last = makeMessage({ conversation_id: conversation.id, sender_id: other.id, content: `Hi from ${other.full_name}`, created_at: at });
  return { ...conversation, last_message: last, last_message_at: at };
}

const withBob = chat(bob, '2026-11-24T10:00:00.000Z');
const withCarol = chat(carol, '2026-11-24T12:00:00.000Z', { muted_until: MUTED_FOREVER, unread_count: 2, has_unread: true });
const archived = chat(dan, '2026-11-24T13:00:00.000Z', { archived: true, unread_count: 1, has_unread: true });
const eve = makePublicUser({ username: 'eve', full_name: 'Eve Quiet' });
/** A one-on-one Eve started and nobody wrote in yet. */
const silent = makeConversation({ participants: [me, eve], created_by: eve.id });

let session: ChatSession;
const conversations = () => session.stores.conversations.getState();
function wrapper({ children }: { children: ReactNode }) {
  return <ChatSessionContext.Provider value={session}>{children}</ChatSessionContext.Provider>;
}
const titles = () => within(screen.getByRole('listbox', { name: 'Chat list' })).getAllByRole('option').map((row) => row.querySelector('[class*="title"]')?.textContent);
const settingsOf = (conversation: Conversation, change: Partial<ChatSettings>): ChatSettings => ({
  conversation_id: conversation.id,
  muted_until: conversation.muted_until ?? null,
  pinned_at: conversation.pinned_at ?? null,
  archived: conversation.archived ?? false,
  marked_unread: conversation.marked_unread ?? false,
  settings_version: (conversation.settings_version ?? 0) + 1,
  ...change,
});

beforeEach(() => {
  session = createTestSession();
  conversations().setAll([withBob, withCarol, archived, silent]);
  useNotificationPreferences.setState({ messageSeen: false, bannerDismissed: false, permission: 'default' });
});

describe('ChatListPane', () => {
  it('leaves archived chats and an empty one-on-one someone else started out of the list, behind an Archived entry with its unread count', async () => {
    render(<ChatListPane meId={me.id} filter="" onSelect={jest.fn()} />, { wrapper });
    expect(titles()).toEqual(['Carol King', 'Bob Stone']);
    const entry = screen.getByRole('button', { name: /Archived/ });
    expect(entry).toHaveTextContent('1');
    await userEvent.click(entry);
    expect(titles()).toEqual(['Dan Brown']);
    await userEvent.click(screen.getByRole('button', { name: 'Back to chats' }));
    expect(titles()).toEqual(['Carol King', 'Bob Stone']);
  });

  it('shows a muted chat with the muted icon and a grey badge', () => {
    render(<ChatListPane meId={me.id} filter="" onSelect={jest.fn()} />, { wrapper });
    const row = screen.getAllByRole('option')[0]!;
    expect(within(row).getByRole('img', { name: 'Muted' })).toBeInTheDocument();
    expect(within(row).getByTestId('unread-badge').className).toMatch(/mutedBadge/);
  });

  it('pins a chat from its menu (right-click): the server’s answer puts it on top with the pin icon', async () => {
    const pinned = settingsOf(withBob, { pinned_at: '2026-11-25T08:00:00.000Z' });
    const { calls } = installFetch({ [`PATCH /conversations/${withBob.id}/settings`]: () => reply(200, pinned) });
    render(<ChatListPane meId={me.id} filter="" onSelect={jest.fn()} />, { wrapper });
    const row = screen.getAllByRole('option')[1]!;
    await userEvent.pointer({ keys: '[MouseRight]', target: row });
    await userEvent.click(screen.getByRole('menuitem', { name: 'Pin chat' }));
    await waitFor(() => expect(titles()).toEqual(['Bob Stone', 'Carol King']));
    expect(calls.at(-1)?.body).toEqual({ pinned: true });
    expect(within(screen.getAllByRole('option')[0]!).getByRole('img', { name: 'Pinned' })).toBeInTheDocument();
  });

  it('mutes for 8 hours, 1 week or always from the keyboard (context menu key), and says why a fourth pin is refused', async () => {
    const { calls } = installFetch({
      'PATCH /conversations/*/settings': (call) =>
        (call.body as { pinned?: boolean }).pinned
          ? reply(409, { statusCode: 409, message: 'You can only pin up to 3 chats', error: 'Conflict' })
          : reply(200, settingsOf(withBob, { muted_until: MUTED_FOREVER })),
    });
    render(<ChatListPane meId={me.id} filter="" onSelect={jest.fn()} />, { wrapper });
    const row = screen.getAllByRole('option')[1]!;
    act(() => row.focus());
    await userEvent.keyboard('{ContextMenu}');
    await userEvent.click(screen.getByRole('menuitem', { name: 'Mute notifications' }));
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual(['8 hours', '1 week', 'Always']);
    await userEvent.click(screen.getByRole('menuitem', { name: 'Always' }));
    expect(calls.at(-1)?.body).toEqual({ muted_until: MUTED_FOREVER });
    await waitFor(() => expect(within(row).getByRole('img', { name: 'Muted' })).toBeInTheDocument());

    await userEvent.pointer({ keys: '[MouseRight]', target: row });
    await userEvent.click(screen.getByRole('menuitem', { name: 'Pin chat' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('You can only pin up to 3 chats');
  });

  it('offers desktop notifications only once a message from someone else arrived, and not after "Not now"', async () => {
    render(<ChatListPane meId={me.id} filter="" onSelect={jest.fn()} />, { wrapper });
    expect(screen.queryByRole('region', { name: 'Desktop notifications' })).not.toBeInTheDocument();
    act(() => useNotificationPreferences.getState().noteMessage());
    const banner = screen.getByRole('region', { name: 'Desktop notifications' });
    expect(banner).toHaveTextContent('Turn on desktop notifications');
    await userEvent.click(within(banner).getByRole('button', { name: 'Not now' }));
    expect(screen.queryByRole('region', { name: 'Desktop notifications' })).not.toBeInTheDocument();
    expect(JSON.parse(localStorage.getItem('chatflow.notifications')!)).toMatchObject({ bannerDismissed: true });
  });

  it('lists people under the search, leaving out those the user has a chat with in the list, and starts a chat with one', async () => {
    const frank = makePublicUser({ username: 'frank', full_name: 'Frank Ocean' });
    const fresh = makeConversation({ participants: [me, frank], created_by: me.id });
    const { calls } = installFetch({
      'GET /users': () => reply(200, [bob, eve, frank]),
      'POST /conversations': () => reply(201, fresh),
    });
    const onSelect = jest.fn();
    render(<ChatListPane meId={me.id} filter="e" onSelect={onSelect} />, { wrapper });
    const people = await screen.findByRole('region', { name: 'People' });
    // Bob has a chat in the list; Eve's is not in it until someone writes, so she is offered (each with initials, name, handle).
    expect(within(people).getAllByRole('button').map((b) => b.textContent)).toEqual(['EQEve Quiet@eve', 'FOFrank Ocean@frank']);
    await userEvent.click(within(people).getByRole('button', { name: /Frank Ocean/ }));
    await waitFor(() => expect(onSelect).toHaveBeenCalledWith(fresh.id));
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ participant_ids: [frank.id], is_group_chat: false });
  });
});
