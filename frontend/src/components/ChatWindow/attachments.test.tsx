import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import type { Message } from '../../api/client';
import { useSession } from '../../store/session';
import { createFakeUploader, fileOf, installObjectUrls } from '../../test-utils/fakeUploader';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { reply, type Call } from '../../test-utils/fetchMock';
import { asPublic, makeAttachment, makeConversation, makeMessage, makePublicUser, makeUser } from '../../test-utils/fixtures';
import { openChat } from '../../test-utils/openChat';

/**
 * Files in the open chat: picked, pasted or dropped into the composer's tray, uploaded at once
 * with their progress (the uploader is the test's: jsdom has no upload progress), sent with
 * the message's attachment_ids; pictures in bubbles whose links are renewed when they expire.
 */

const me = makeUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone' });
const urls = installObjectUrls();

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-11-24T15:00:00.000Z'), advanceTimers: true });
  FakeSocket.reset();
  useSession.setState({ token: 'tok', user: me, notice: null });
});

afterEach(() => {
  jest.useRealTimers();
});

async function open(messages: Message[] = [], routes = {}, conversation = makeConversation({ participants: [asPublic(me), bob] })) {
  const uploader = createFakeUploader();
  const opened = await openChat({ me, conversation, messages, routes, row: 'Bob Stone', uploader: uploader.upload });
  return { ...opened, uploader };
}

const tray = () => screen.queryByRole('list', { name: 'Files to send' });
const trayFiles = () => screen.queryAllByTestId('tray-file');
const composer = () => screen.getByRole('textbox', { name: 'Type a message' });
const sendButton = () => screen.getByRole('button', { name: 'Send' });
const messageFrames = (socket: FakeSocket) => socket.frames().filter((f) => f.type === 'message');

describe('sending files', () => {
  it('previews picked files, shows each upload’s progress, and sends the message with their ids and the caption', async () => {
    const { user, socket, log, uploader, chat } = await open();
    expect(screen.getByRole('button', { name: 'Attach' })).toBeInTheDocument();
    await user.upload(screen.getByTestId('attach-input'), [fileOf('beach.jpg', 'image/jpeg', 200_000), fileOf('report.pdf', 'application/pdf', 1_258_291)]);

    const [picture, pdf] = trayFiles();
    expect(picture!.querySelector('img')).toHaveAttribute('src', 'blob:preview-1');
    expect(picture).toHaveTextContent('beach.jpg');
    expect(pdf).toHaveTextContent('PDF');
    expect(pdf).toHaveTextContent('report.pdf');
    expect(pdf).toHaveTextContent('1.2 MB');
    expect(uploader.uploads.map((u) => u.file.name)).toEqual(['beach.jpg', 'report.pdf']);

    uploader.uploads[0]!.progress(100_000);
    expect(screen.getByRole('progressbar', { name: 'Uploading beach.jpg' })).toHaveAttribute('aria-valuenow', '50');
    expect(sendButton()).toBeEnabled();
    const photo = await uploader.uploads[0]!.finish();
    const report = await uploader.uploads[1]!.finish();
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(composer()).toHaveAttribute('placeholder', 'Add a caption');

    await user.type(composer(), 'From the trip{Enter}');
    expect(messageFrames(socket)).toEqual([
      { type: 'message', conversation_id: chat.id, content: 'From the trip', client_id: 'client-1', attachment_ids: [photo.id, report.id] },
    ]);
    expect(tray()).not.toBeInTheDocument();
    // At once, with the picture as picked here, and waiting for its ack.
    const pending = within(log).getByTestId('message');
    expect(within(pending).getByRole('img', { name: 'beach.jpg' })).toHaveAttribute('src', 'blob:preview-1');
    expect(within(pending).getByRole('link', { name: /Download report\.pdf/ })).toBeInTheDocument();
    expect(within(pending).getByRole('img', { name: 'Sending' })).toBeInTheDocument();
    expect(urls.revoked).toEqual([]);

    const stored = makeMessage({ conversation_id: chat.id, sender_id: me.id, content: 'From the trip', client_id: 'client-1', attachments: [photo, report] });
    act(() => socket.push({ type: 'ack', client_id: 'client-1', message: stored, event_seq: 1 }));
    expect(within(log).getByRole('img', { name: 'beach.jpg' })).toHaveAttribute('src', photo.thumbnail_url);
    expect(urls.revoked).toEqual(['blob:preview-1']);
    expect(screen.getByRole('option', { name: /Bob Stone/ })).toHaveTextContent('📷 From the trip');
  });

  it('sends files without a caption, and waits for uploads still running when Send is pressed', async () => {
    const { user, socket, uploader, chat } = await open();
    await user.upload(screen.getByTestId('attach-input'), fileOf('beach.jpg', 'image/jpeg'));
    await user.click(sendButton());
    expect(messageFrames(socket)).toEqual([]);
    expect(screen.getByText('Sending when the uploads finish…')).toBeInTheDocument();
    expect(sendButton()).toBeDisabled();

    const photo = await uploader.latest().finish();
    expect(messageFrames(socket)).toEqual([{ type: 'message', conversation_id: chat.id, content: '', client_id: 'client-1', attachment_ids: [photo.id] }]);
    expect(tray()).not.toBeInTheDocument();
  });

  it('cancels an upload and takes the file out of the tray', async () => {
    const { user, uploader } = await open();
    await user.upload(screen.getByTestId('attach-input'), [fileOf('beach.jpg', 'image/jpeg'), fileOf('notes.txt', 'text/plain')]);
    await user.click(screen.getByRole('button', { name: 'Cancel beach.jpg' }));
    expect(uploader.uploads[0]!.aborted).toBe(true);
    expect(urls.revoked).toEqual(['blob:preview-1']);
    expect(trayFiles()).toHaveLength(1);
    expect(trayFiles()[0]).toHaveTextContent('notes.txt');
    await user.click(screen.getByRole('button', { name: 'Cancel notes.txt' }));
    expect(tray()).not.toBeInTheDocument();
    expect(sendButton()).toBeDisabled();
  });

  it('says which files cannot be sent and why: too big, a type refused, the connection (retried)', async () => {
    const { user, uploader, socket } = await open();
    await user.upload(screen.getByTestId('attach-input'), [
      fileOf('movie.mkv', 'video/x-matroska', 30 * 1024 * 1024),
      fileOf('invoice.pdf', 'application/pdf'),
      fileOf('beach.jpg', 'image/jpeg'),
    ]);
    // Over the limit: refused here, never uploaded.
    expect(uploader.uploads.map((u) => u.file.name)).toEqual(['invoice.pdf', 'beach.jpg']);
    await uploader.uploads[0]!.fail(415, 'Unsupported Media Type');
    await uploader.uploads[1]!.fail(0);
    // The server judges a file by its bytes: these are not a PDF.
    const [big, exe, photo] = trayFiles();
    expect(within(big!).getByRole('alert')).toHaveTextContent('Too big to send (max 25 MB)');
    expect(within(exe!).getByRole('alert')).toHaveTextContent("This type of file can't be sent");
    expect(within(photo!).getByRole('alert')).toHaveTextContent('Upload failed. Check your connection and retry.');
    expect(within(big!).queryByRole('button', { name: /Retry/ })).not.toBeInTheDocument();
    expect(sendButton()).toBeDisabled();

    // A server configured with a lower limit says so, and the tray repeats it.
    await user.upload(screen.getByTestId('attach-input'), fileOf('scan.pdf', 'application/pdf', 12 * 1024 * 1024));
    await uploader.latest().fail(413, 'A file may have at most 10485760 bytes');
    expect(within(trayFiles()[3]!).getByRole('alert')).toHaveTextContent('Too big to send (max 10 MB)');
    await user.click(screen.getByRole('button', { name: 'Remove scan.pdf' }));

    await user.click(within(photo!).getByRole('button', { name: 'Retry beach.jpg' }));
    expect(uploader.uploads).toHaveLength(4);
    const stored = await uploader.latest().finish();
    await user.click(screen.getByRole('button', { name: 'Remove movie.mkv' }));
    await user.click(screen.getByRole('button', { name: 'Remove invoice.pdf' }));
    await user.click(sendButton());
    expect(messageFrames(socket).map((f) => f.attachment_ids)).toEqual([[stored.id]]);
  });

  it('takes files pasted into the box and files dropped on the chat; ten at most', async () => {
    const { uploader } = await open();
    fireEvent.paste(composer(), { clipboardData: { files: [fileOf('image.png', 'image/png')], types: ['Files'] } });
    expect(trayFiles()).toHaveLength(1);
    expect(composer()).toHaveValue('');

    const chat = screen.getByRole('region', { name: 'Chat with Bob Stone' });
    const dropped = Array.from({ length: 10 }, (_, i) => fileOf(`page-${i + 1}.pdf`, 'application/pdf'));
    const dataTransfer = { files: dropped, types: ['Files'], dropEffect: 'none' };
    fireEvent.dragEnter(chat, { dataTransfer });
    expect(screen.getByTestId('drop-hint')).toHaveTextContent('Drop files here');
    fireEvent.dragOver(chat, { dataTransfer });
    fireEvent.drop(chat, { dataTransfer });
    expect(screen.queryByTestId('drop-hint')).not.toBeInTheDocument();
    expect(trayFiles()).toHaveLength(10);
    expect(uploader.uploads).toHaveLength(10);
    expect(screen.getByText('You can send up to 10 files in one message.')).toBeInTheDocument();

    // Beside the chat, a dropped file is refused quietly (the browser would open it in place of the app).
    const besideTheChat = fireEvent.drop(screen.getByRole('navigation', { name: 'Chats' }), { dataTransfer });
    expect(besideTheChat).toBe(false);
    expect(trayFiles()).toHaveLength(10);
  });

  it('leaves text pasted into the box as text', async () => {
    const { user } = await open();
    await user.click(composer());
    await user.paste('just words');
    expect(composer()).toHaveValue('just words');
    expect(tray()).not.toBeInTheDocument();
  });
});

describe('pictures received', () => {
  it('fetches a message again when its picture fails to load (its link expired), and shows the fresh link', async () => {
    const conversation = makeConversation({ participants: [asPublic(me), bob] });
    const before = makeMessage({ conversation_id: conversation.id, sender_id: bob.id, content: 'Look', seq: 1 });
    const photo = makeAttachment({ filename: 'sunset.jpg' });
    const withPhoto = makeMessage({ conversation_id: conversation.id, sender_id: bob.id, content: '', seq: 2, attachments: [photo] });
    const fresh = { ...photo, thumbnail_url: `/attachments/${photo.id}/thumbnail?expires=2&signature=fresh` };
    const { log, calls, chat } = await open(
      [],
      {
        'GET /conversations/*/messages': (call: Call) =>
          reply(200, call.query.get('after') ? [{ ...withPhoto, attachments: [fresh] }] : [before, withPhoto]),
      },
      conversation,
    );
    const image = within(log).getByRole('img', { name: 'sunset.jpg' });
    expect(image).toHaveAttribute('src', photo.thumbnail_url);
    expect(image).toHaveAttribute('width', '330');

    await act(async () => {
      fireEvent.error(image);
    });
    await waitFor(() => expect(within(log).getByRole('img', { name: 'sunset.jpg' })).toHaveAttribute('src', fresh.thumbnail_url));
    const refetch = calls.find((c) => c.path === `/conversations/${chat.id}/messages` && c.query.get('after'));
    expect(refetch?.query.get('after')).toBe(before.id);

    // Failing again at once is not a link that expired: it says so rather than asking again and again.
    await act(async () => {
      fireEvent.error(within(log).getByRole('img', { name: 'sunset.jpg' }));
    });
    expect(within(log).getByRole('img', { name: "sunset.jpg (can't be loaded)" })).toBeInTheDocument();
    expect(calls.filter((c) => c.query.get('after'))).toHaveLength(1);
  });
});
