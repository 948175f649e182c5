import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Conversation, Message, User } from '../api/client';
import type { Uploader } from '../api/upload';
import { ChatLayout } from '../components/ChatLayout/ChatLayout';
import { FakeSocket } from './fakeSocket';
import { installFetch, reply } from './fetchMock';
import { createTestSession } from './testSession';

export interface OpenChatOptions {
  me: User;
  conversation: Conversation;
  /** Its newest page of history. */
  messages?: Message[];
  /** More REST routes, or other answers for these. */
  routes?: Parameters<typeof installFetch>[0];
  /** The name of its row in the chat list (its title). */
  row: string | RegExp;
  /** POST /attachments (createFakeUploader); by default nothing uploads. */
  uploader?: Uploader;
}

/**
 * The whole client for `me` (ChatLayout on a test session; fake timers running), with the
 * server listing `conversation` and the user having opened it from the chat list.
 */
export async function openChat({ me, conversation, messages = [], routes = {}, row, uploader }: OpenChatOptions) {
  const { calls } = installFetch({
    'GET /conversations': () => reply(200, [conversation]),
    'GET /conversations/*/messages': () => reply(200, messages),
    'POST /conversations/*/read': () => reply(200, {}),
    'GET /users/me/blocks': () => reply(200, []),
    ...routes,
  });
  const session = createTestSession({ me, realtime: { ackTimeoutMs: 10_000 }, ...(uploader ? { uploader } : {}) });
  const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
  render(<ChatLayout me={me} session={session} />);
  const socket = FakeSocket.latest();
  await act(async () => socket.accept(me.id));
  await user.click(await screen.findByRole('option', { name: typeof row === 'string' ? new RegExp(row) : row }));
  const log = await screen.findByRole('log');
  await waitFor(() => expect(screen.queryByText('Loading messages…')).not.toBeInTheDocument());
  return { user, socket, log, calls, chat: conversation, session };
}
