import { act, screen, waitFor, within } from '@testing-library/react';
import type { Conversation, Participant, Role } from '../../api/client';
import { useSession } from '../../store/session';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { asPublic, makeConversation, makeMessage, makePublicUser, makeSystemMessage, makeUser } from '../../test-utils/fixtures';
import { reply, type Call } from '../../test-utils/fetchMock';
import { openChat } from '../../test-utils/openChat';

const NOW = new Date('2026-11-24T15:00:00.000Z');
const me = makeUser({ username: 'me', full_name: 'Me' });
const olga = makePublicUser({ username: 'olga', full_name: 'Olga Owner', role: 'owner' });
const adam = makePublicUser({ username: 'adam', full_name: 'Adam Admin', role: 'admin' });
const mia = makePublicUser({ username: 'mia', full_name: 'Mia Member', is_online: true });
const dan = makePublicUser({ username: 'dan', full_name: 'Dan New' });

/** A group with Olga (owner), Adam (admin), Mia (member) and the user, with the role given. */
function groupAs(role: Role, overrides: Partial<Conversation> = {}): Conversation {
  const participants: Participant[] = [asPublic(me, role), role === 'owner' ? { ...olga, role: 'admin' } : olga, adam, mia];
  return makeConversation({ participants, is_group_chat: true, name: 'Trip', last_event_seq: 3, ...overrides });
}

const forbidden = (message: string) => reply(403, { statusCode: 403, message, error: 'Forbidden' });

async function openGroup(conversation: Conversation, routes: Parameters<typeof openChat>[0]['routes'] = {}) {
  const opened = await openChat({ me, conversation, row: 'Trip', routes: { 'GET /users': () => reply(200, [adam, mia, dan]), ...routes } });
  await opened.user.click(screen.getByRole('button', { name: 'Group info' }));
  const panel = screen.getByRole('complementary', { name: 'Group info' });
  return { ...opened, panel };
}

/** What an element says, without its decorations (avatars' initials). */
function spoken(element: Element): string {
  const copy = element.cloneNode(true) as Element;
  copy.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove());
  return copy.textContent ?? '';
}

/** The member rows of the panel, each as its text. */
function memberRows(panel: HTMLElement): string[] {
  return within(within(panel).getByRole('region', { name: 'Members' }))
    .getAllByRole('listitem')
    .map(spoken);
}

async function actionsFor(user: Awaited<ReturnType<typeof openGroup>>['user'], panel: HTMLElement, name: string): Promise<string[]> {
  await user.click(within(panel).getByRole('button', { name: `Options for ${name}` }));
  return within(within(panel).getByRole('group', { name: `Actions for ${name}` }))
    .getAllByRole('button')
    .map((b) => b.textContent ?? '');
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, advanceTimers: true });
  FakeSocket.reset();
  useSession.setState({ token: 'tok', user: me, notice: null });
});

afterEach(() => jest.useRealTimers());

describe('GroupInfo: what each role sees', () => {
  it('opens from the chat header and lists the members, the user first, with "Owner" and "Group admin"', async () => {
    const { panel } = await openGroup(groupAs('member'));
    expect(within(panel).getByRole('heading', { name: 'Trip' })).toBeInTheDocument();
    expect(within(panel).getByText('Group · 4 members')).toBeInTheDocument();
    expect(memberRows(panel)).toEqual(['You@me', 'Olga Owner@olgaOwner', 'Adam Admin@adamGroup admin', 'Mia Member@mia']);
    expect(screen.getByRole('button', { name: 'Close' })).toHaveFocus();
  });

  it('a member may only leave: no adding, renaming or member actions', async () => {
    const { panel } = await openGroup(groupAs('member'));
    expect(within(panel).queryByRole('button', { name: 'Add members' })).toBeNull();
    expect(within(panel).queryByRole('button', { name: 'Edit group name' })).toBeNull();
    expect(within(panel).queryAllByRole('button', { name: /^Options for/ })).toEqual([]);
    expect(within(panel).getByRole('button', { name: 'Leave group' })).toBeInTheDocument();
  });

  it('an admin adds and renames, and removes members, but not the owner or another admin, and changes no role', async () => {
    const { panel, user } = await openGroup(groupAs('admin'));
    expect(within(panel).getByRole('button', { name: 'Add members' })).toBeInTheDocument();
    expect(within(panel).getByRole('button', { name: 'Edit group name' })).toBeInTheDocument();
    expect(within(panel).getAllByRole('button', { name: /^Options for/ }).map((b) => b.getAttribute('aria-label'))).toEqual([
      'Options for Mia Member',
    ]);
    expect(await actionsFor(user, panel, 'Mia Member')).toEqual(['Remove']);
  });

  it('the owner removes anyone else, makes members admins and dismisses admins', async () => {
    const { panel, user } = await openGroup(groupAs('owner'));
    expect(await actionsFor(user, panel, 'Adam Admin')).toEqual(['Dismiss as admin', 'Remove']);
    expect(await actionsFor(user, panel, 'Mia Member')).toEqual(['Make group admin', 'Remove']);
    expect(within(panel).queryByRole('button', { name: 'Options for Me' })).toBeNull();
  });
});

describe('GroupInfo: changing the group', () => {
  it('makes a member an admin (PATCH …/participants/{id}) and shows the answer at once', async () => {
    const group = groupAs('owner');
    const promoted = { ...group, participants: group.participants.map((p) => (p.id === mia.id ? { ...p, role: 'admin' as const } : p)) };
    let body: unknown;
    const { panel, user } = await openGroup(group, {
      'PATCH /conversations/*/participants/*': (call: Call) => {
        body = call.body;
        return reply(200, promoted);
      },
    });
    await actionsFor(user, panel, 'Mia Member');
    await user.click(within(panel).getByRole('button', { name: 'Make group admin' }));
    expect(body).toEqual({ role: 'admin' });
    expect(memberRows(panel)).toContain('Mia Member@miaGroup admin');
    expect(within(panel).getByRole('button', { name: 'Options for Mia Member' })).toHaveFocus();
  });

  it('removes a member after a confirmation', async () => {
    const group = groupAs('admin');
    const { panel, user, calls } = await openGroup(group, {
      'DELETE /conversations/*/participants/*': () => reply(200, { ...group, participants: group.participants.filter((p) => p.id !== mia.id) }),
    });
    await actionsFor(user, panel, 'Mia Member');
    await user.click(within(panel).getByRole('button', { name: 'Remove' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Remove Mia Member from “Trip”?' });
    await user.click(within(dialog).getByRole('button', { name: 'Remove' }));
    expect(calls).toContainEqual(expect.objectContaining({ method: 'DELETE', path: `/conversations/${group.id}/participants/${mia.id}` }));
    expect(memberRows(panel)).toHaveLength(3);
  });

  it('shows the server’s refusal in the panel', async () => {
    const { panel, user } = await openGroup(groupAs('admin'), {
      'DELETE /conversations/*/participants/*': () => forbidden('Only the owner can remove an admin'),
      'GET /conversations/*': () => reply(200, groupAs('admin')),
    });
    await actionsFor(user, panel, 'Mia Member');
    await user.click(within(panel).getByRole('button', { name: 'Remove' }));
    // The 403 has the client ask whether the user is still in the group (they are): all within act.
    await act(() => user.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Remove' })));
    expect(await within(panel).findByRole('alert')).toHaveTextContent('Only the owner can remove an admin');
    expect(screen.queryByText(/no longer a participant/)).toBeNull();
  });

  it('renames in place: an empty name is refused, Escape cancels, Enter saves and the chat’s title follows', async () => {
    const group = groupAs('admin');
    let body: unknown;
    const { panel, user } = await openGroup(group, {
      'PATCH /conversations/*': (call: Call) => {
        body = call.body;
        return reply(200, { ...group, name: 'Trip to Rome' });
      },
    });
    await user.click(within(panel).getByRole('button', { name: 'Edit group name' }));
    const field = within(panel).getByRole('textbox', { name: 'Group name' });
    expect(field).toHaveFocus();
    expect(field).toHaveValue('Trip');
    await user.keyboard('{Escape}');
    expect(within(panel).getByRole('button', { name: 'Edit group name' })).toHaveFocus();
    expect(screen.getByRole('complementary', { name: 'Group info' })).toBeInTheDocument();

    await user.click(within(panel).getByRole('button', { name: 'Edit group name' }));
    await user.clear(within(panel).getByRole('textbox', { name: 'Group name' }));
    await user.keyboard('{Enter}');
    expect(within(panel).getByRole('alert')).toHaveTextContent('Give the group a name.');
    expect(body).toBeUndefined();

    await user.type(within(panel).getByRole('textbox', { name: 'Group name' }), ' Trip to Rome {Enter}');
    expect(body).toEqual({ name: 'Trip to Rome' });
    expect(await within(panel).findByRole('heading', { name: 'Trip to Rome' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Chat with Trip to Rome' })).toBeInTheDocument();
  });

  it('adds members picked from the searchable list, which leaves out those already in the group', async () => {
    const group = groupAs('owner');
    let body: unknown;
    const { panel, user } = await openGroup(group, {
      'POST /conversations/*/participants': (call: Call) => {
        body = call.body;
        return reply(200, { ...group, participants: [...group.participants, dan] });
      },
    });
    await user.click(within(panel).getByRole('button', { name: 'Add members' }));
    const dialog = screen.getByRole('dialog', { name: 'Add members' });
    await act(async () => jest.advanceTimersByTime(250));
    expect(within(dialog).getAllByRole('checkbox').map((c) => spoken(c.closest('label')!))).toEqual(['Dan New@dan']);
    await user.click(within(dialog).getByRole('checkbox', { name: /Dan New/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Add (1)' }));
    expect(body).toEqual({ user_ids: [dan.id] });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Add members' })).toBeNull());
    expect(memberRows(panel)).toContain('Dan New@dan');
  });

  it('says so when someone cannot be added (they blocked the user), and keeps the pick', async () => {
    const { panel, user } = await openGroup(groupAs('owner'), {
      'POST /conversations/*/participants': () => forbidden('You cannot start a conversation with or add this person'),
      'GET /conversations/*': () => reply(200, groupAs('owner')),
    });
    await user.click(within(panel).getByRole('button', { name: 'Add members' }));
    const dialog = screen.getByRole('dialog', { name: 'Add members' });
    await user.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('Pick at least one person.');
    await act(async () => jest.advanceTimersByTime(250));
    await user.click(within(dialog).getByRole('checkbox', { name: /Dan New/ }));
    await act(() => user.click(within(dialog).getByRole('button', { name: 'Add (1)' })));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('You cannot start a conversation with or add this person');
    expect(within(dialog).getByRole('checkbox', { name: /Dan New/ })).toBeChecked();
  });

  it('closes with Escape, giving the focus back to the Info button', async () => {
    const { user } = await openGroup(groupAs('member'));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('complementary', { name: 'Group info' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Group info' })).toHaveFocus();
  });
});

describe('GroupInfo: leaving, and a chat the user is no longer in', () => {
  const composer = () => screen.queryByRole('textbox', { name: 'Type a message' });
  const READ_ONLY = "You can't send messages to this group because you're no longer a participant.";

  it('leaves after a confirmation that tells an owner who takes over; the chat stays, read-only, until deleted', async () => {
    const group = groupAs('owner');
    const { panel, user, calls } = await openGroup(group, { 'POST /conversations/*/leave': () => reply(204) });
    await user.click(within(panel).getByRole('button', { name: 'Leave group' }));
    const dialog = screen.getByRole('alertdialog', { name: 'Leave “Trip”?' });
    expect(dialog).toHaveTextContent('it passes to its longest-standing admin');
    await user.click(within(dialog).getByRole('button', { name: 'Leave group' }));
    expect(calls).toContainEqual(expect.objectContaining({ method: 'POST', path: `/conversations/${group.id}/leave` }));

    expect(screen.getByText(READ_ONLY)).toBeInTheDocument();
    expect(composer()).toBeNull();
    expect(screen.getByTestId('chat-subtitle')).toHaveTextContent('You left');
    expect(within(panel).getByText('You left this group.')).toBeInTheDocument();
    expect(within(panel).queryByRole('button', { name: 'Add members' })).toBeNull();
    expect(within(panel).queryAllByRole('button', { name: /^Options for/ })).toEqual([]);
    expect(screen.getByRole('option', { name: /Trip/ })).toBeInTheDocument();

    await user.click(within(panel).getByRole('button', { name: 'Delete chat' }));
    await user.click(within(screen.getByRole('alertdialog', { name: 'Delete this chat?' })).getByRole('button', { name: 'Delete chat' }));
    expect(screen.queryByRole('option', { name: /Trip/ })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Chat with Trip' })).toBeNull();
  });

  it('turns read-only live when an admin removes the user: "Olga Owner removed you", no composer, no message menus', async () => {
    const group = groupAs('member');
    const { socket, log, panel } = await openGroup(group, {
      'GET /conversations/*/messages': () =>
        reply(200, [
          makeSystemMessage(group.id, olga.id, 'member_added', [me.id], { created_at: '2026-11-24T14:00:00.000Z' }),
          makeMessage({ conversation_id: group.id, sender_id: mia.id, content: 'Welcome!', created_at: '2026-11-24T14:01:00.000Z' }),
        ]),
    });
    expect(composer()).not.toBeNull();
    expect(within(log).getAllByRole('button', { name: 'Message options' })).toHaveLength(1);
    expect(within(panel).getAllByTestId('online-dot')).toHaveLength(1);
    act(() => {
      socket.push({
        type: 'message',
        message: makeSystemMessage(group.id, olga.id, 'member_removed', [me.id], { created_at: '2026-11-24T14:30:00.000Z' }),
        event_seq: 4,
      });
      socket.push({ type: 'conversation_removed', conversation_id: group.id });
    });
    expect(within(log).getAllByTestId('system-notice').map((n) => n.textContent)).toEqual(['Olga Owner added you', 'Olga Owner removed you']);
    expect(within(log).queryAllByRole('button', { name: 'Message options' })).toEqual([]);
    expect(screen.getByText(READ_ONLY)).toBeInTheDocument();
    expect(composer()).toBeNull();
    expect(screen.getByTestId('chat-subtitle')).toHaveTextContent("You're no longer a participant");
    expect(screen.getByRole('option', { name: /Trip/ })).toHaveTextContent('Olga Owner removed you');
    expect(within(panel).getByText("You're no longer a participant.")).toBeInTheDocument();
    // The user is no longer among the members, and sees nobody online there.
    expect(memberRows(panel)).toEqual(['Olga Owner@olgaOwner', 'Adam Admin@adamGroup admin', 'Mia Member@mia']);
    expect(within(panel).getByText('Group · 3 members')).toBeInTheDocument();
    expect(within(panel).queryByTestId('online-dot')).toBeNull();
    expect(within(panel).getByRole('button', { name: 'Delete chat' })).toBeInTheDocument();
  });
});
