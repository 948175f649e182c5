import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ChatLayout } from '../ChatLayout/ChatLayout';
import { useSession } from '../../store/session';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { asPublic, makeConversation, makeMessage, makePublicUser, makeUser } from '../../test-utils/fixtures';
import { type Call, installFetch, reply } from '../../test-utils/fetchMock';
import { createTestSession } from '../../test-utils/testSession';

const NOW = new Date('2026-11-24T15:00:00.000Z');
const me = makeUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });
const carol = makePublicUser({ username: 'carol', full_name: 'Carol King' });
const withBob = makeConversation({ participants: [asPublic(me), bob], last_event_seq: 300 });
const trip = makeConversation({ participants: [asPublic(me), carol], is_group_chat: true, name: 'Trip' });
const recipe = makeMessage({ conversation_id: withBob.id, sender_id: bob.id, content: 'The old Crème brûlée recipe', seq: 7, created_at: '2026-10-02T09:00:00.000Z' });
const mine = makeMessage({ conversation_id: trip.id, sender_id: me.id, content: 'crème for the cake', seq: 3, created_at: '2026-11-24T12:00:00.000Z' });

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, advanceTimers: true });
  FakeSocket.reset();
  useSession.setState({ token: 'tok', user: me, notice: null });
});

afterEach(() => {
  jest.useRealTimers();
});

async function renderLayout(search: (call: Call) => ReturnType<typeof reply>) {
  const { calls } = installFetch({
    'GET /conversations': () => reply(200, [withBob, trip]),
    'GET /conversations/*/messages': () => reply(200, []),
    'POST /conversations/*/read': () => reply(200, {}),
    'GET /users/me/blocks': () => reply(200, []),
    'GET /search': search,
  });
  const session = createTestSession({ me });
  const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
  render(<ChatLayout me={me} session={session} />);
  await act(async () => FakeSocket.latest().accept(me.id));
  await screen.findByRole('option', { name: /Trip/ });
  return { user, calls };
}

describe('MessageSearchResults', () => {
  it('lists the messages the server found in every chat, with chat, sender, date and the words marked', async () => {
    const searches: Call[] = [];
    const { user } = await renderLayout((call) => {
      searches.push(call);
      return reply(200, { results: [mine, recipe].map((m) => ({ conversation_id: m.conversation_id, message: m })), next_before: null });
    });
    await user.type(screen.getByRole('searchbox', { name: 'Search chats' }), 'creme');
    const found = await screen.findByRole('region', { name: 'Messages found' });
    const rows = await within(found).findAllByRole('button');
    expect(rows.map((r) => r.textContent)).toEqual([
      expect.stringMatching(/^Trip.*You: crème for the cake$/),
      expect.stringMatching(/^Bob Stone.*Bob Stone: The old Crème brûlée recipe$/),
    ]);
    expect(Array.from(found.querySelectorAll('mark')).map((m) => m.textContent)).toEqual(['crème', 'Crème']);
    // Every chat: no conversation_id; asked once, when typing paused.
    expect(searches.map((c) => Object.fromEntries(c.query))).toEqual([{ q: 'creme', limit: '20' }]);
  });

  it('says when nothing matched, and asks nothing for a query the server would refuse', async () => {
    const searches: Call[] = [];
    const { user } = await renderLayout((call) => {
      searches.push(call);
      return reply(200, { results: [], next_before: null });
    });
    await user.type(screen.getByRole('searchbox', { name: 'Search chats' }), '🎉');
    expect(screen.queryByRole('region', { name: 'Messages found' })).not.toBeInTheDocument();
    await user.type(screen.getByRole('searchbox', { name: 'Search chats' }), ' nothing');
    expect(await screen.findByText('No messages found')).toBeInTheDocument();
    expect(searches).toHaveLength(1);
  });

  it('opens the chat of a result at that message, loading the history around it', async () => {
    const { user, calls } = await renderLayout(() =>
      reply(200, { results: [{ conversation_id: withBob.id, message: recipe }], next_before: null }),
    );
    await user.type(screen.getByRole('searchbox', { name: 'Search chats' }), 'recipe');
    await user.click(await within(await screen.findByRole('region', { name: 'Messages found' })).findByRole('button', { name: /recipe/ }));
    const log = await screen.findByRole('log', { name: 'Messages with Bob Stone' });
    await waitFor(() => expect(within(log).getByText('recipe').tagName).toBe('MARK'));
    const pages = calls.filter((c) => c.path === `/conversations/${withBob.id}/messages`).map((c) => Object.fromEntries(c.query));
    expect(pages).toEqual(expect.arrayContaining([{ before: recipe.id, limit: '25' }, { after: recipe.id, limit: '25' }]));
  });
});
