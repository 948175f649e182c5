import '../../test-utils/fakeIndexedDb';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { indexedDbOutboxStorage } from '../../store/outboxStorage';
import { useSession } from '../../store/session';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { createFakeUploader, fileOf, installObjectUrls } from '../../test-utils/fakeUploader';
import { asPublic, makeConversation, makeMessage, makePublicUser, makeUser } from '../../test-utils/fixtures';
import { installFetch, reply } from '../../test-utils/fetchMock';
import { createTestSession } from '../../test-utils/testSession';
import { ChatLayout } from './ChatLayout';

/**
 * The client with its outbox in IndexedDB (fake-indexeddb), as the app has it: a message
 * written while the connection is down survives a reload of the page and goes out after it,
 * with the client_id it was first given.
 */

const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });

function setUp() {
  const me = makeUser({ username: `me-${Math.random().toString(36).slice(2)}`, full_name: 'Me' });
  const chat = makeConversation({ participants: [asPublic(me), bob] });
  useSession.setState({ token: 'tok', user: me, notice: null });
  installFetch({
    'GET /conversations': () => reply(200, [chat]),
    'GET /conversations/*/messages': () => reply(200, []),
    'POST /conversations/*/read': () => reply(200, {}),
    'GET /users/me/blocks': () => reply(200, []),
  });
  const uploader = createFakeUploader();
  /** A page load: the chat layout on a fresh session whose outbox is the user's in IndexedDB. */
  const load = () => {
    FakeSocket.reset();
    return render(<ChatLayout me={me} session={createTestSession({ me, outboxStorage: indexedDbOutboxStorage(me.id), uploader: uploader.upload })} />);
  };
  const openTheChat = async () => {
    await userEvent.click(await screen.findByRole('option', { name: /Bob Stone/ }));
    return screen.findByRole('log');
  };
  return { me, chat, load, openTheChat, uploader, stored: () => indexedDbOutboxStorage(me.id).load() };
}

const messageFrames = (socket: FakeSocket) => socket.frames().filter((f) => f.type === 'message');
installObjectUrls();

jest.setTimeout(20_000);
beforeEach(() => FakeSocket.reset());

describe('messages not yet acknowledged, across a reload', () => {
  it('come back after a reload, go out again with their client_id, and leave the store on their ack', async () => {
    const { me, chat, load, openTheChat, stored } = setUp();
    const firstPage = load();
    await openTheChat();
    // The socket never opens: the message waits in the outbox.
    await userEvent.type(screen.getByRole('textbox', { name: 'Type a message' }), 'Written offline{Enter}');
    await waitFor(async () => expect((await stored()).map((m) => m.content)).toEqual(['Written offline']));
    firstPage.unmount();

    load();
    const socket = FakeSocket.latest();
    await act(async () => socket.accept(me.id));
    const log = await openTheChat();
    const pending = await within(log).findByTestId('message');
    expect(pending).toHaveTextContent('Written offline');
    expect(within(pending).getByRole('img', { name: 'Sending' })).toBeInTheDocument();
    await waitFor(() => expect(messageFrames(socket)).toEqual([{ type: 'message', conversation_id: chat.id, content: 'Written offline', client_id: 'client-1' }]));

    const message = makeMessage({ conversation_id: chat.id, sender_id: me.id, content: 'Written offline', client_id: 'client-1' });
    act(() => socket.push({ type: 'ack', client_id: 'client-1', message, event_seq: 1 }));
    expect(within(log).getAllByTestId('message')).toHaveLength(1);
    expect(within(log).getByRole('img', { name: 'Sent' })).toBeInTheDocument();
    await waitFor(async () => expect(await stored()).toEqual([]));
  });

  it('are not sent after a reload once the server refused them', async () => {
    const { me, load, openTheChat, stored } = setUp();
    const page = load();
    const socket = FakeSocket.latest();
    await act(async () => socket.accept(me.id));
    await openTheChat();
    await userEvent.type(screen.getByRole('textbox', { name: 'Type a message' }), 'Refused{Enter}');
    await waitFor(async () => expect(await stored()).toHaveLength(1));
    act(() => socket.push({ type: 'error', code: 'forbidden', detail: 'You cannot write here', client_id: 'client-1' }));
    await waitFor(async () => expect(await stored()).toEqual([]));
    page.unmount();

    load();
    await act(async () => FakeSocket.latest().accept(me.id));
    const log = await openTheChat();
    expect(within(log).queryAllByTestId('message')).toEqual([]);
    expect(messageFrames(FakeSocket.latest())).toEqual([]);
  });

  it('are forgotten when the user logs out', async () => {
    const { load, openTheChat, stored } = setUp();
    load();
    await openTheChat();
    await userEvent.type(screen.getByRole('textbox', { name: 'Type a message' }), 'Never mind{Enter}');
    await waitFor(async () => expect(await stored()).toHaveLength(1));
    act(() => useSession.getState().logOut());
    await waitFor(async () => expect(await stored()).toEqual([]));
  });

  it('keep the ids of their files (uploaded already), not this page’s previews, and send them after a reload', async () => {
    const { me, chat, load, openTheChat, uploader, stored } = setUp();
    const firstPage = load();
    await openTheChat();
    await userEvent.upload(screen.getByTestId('attach-input'), fileOf('beach.jpg', 'image/jpeg'));
    const photo = await uploader.latest().finish();
    await userEvent.type(screen.getByRole('textbox', { name: 'Type a message' }), 'Offline photo{Enter}');
    await waitFor(async () => expect((await stored()).map((m) => m.attachments)).toEqual([[photo]]));
    expect((await stored())[0]).not.toHaveProperty('previews');
    firstPage.unmount();

    load();
    const socket = FakeSocket.latest();
    await act(async () => socket.accept(me.id));
    const log = await openTheChat();
    expect(within(log).getByRole('img', { name: 'beach.jpg' })).toHaveAttribute('src', photo.thumbnail_url);
    await waitFor(() =>
      expect(messageFrames(socket)).toEqual([
        { type: 'message', conversation_id: chat.id, content: 'Offline photo', client_id: 'client-1', attachment_ids: [photo.id] },
      ]),
    );
  });
});
