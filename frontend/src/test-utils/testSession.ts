import { createApiClient } from '../api/client';
import { createChatSession, type ChatSession, type ChatSessionOptions } from '../store/chatSession';
import { FakeSocket } from './fakeSocket';
import { makeUser } from './fixtures';

/**
 * A chat session wired to fakes: its sockets are FakeSockets (FakeSocket.latest() plays the
 * server), REST goes through fetch (installFetch), client ids count up from client-1, and
 * the user is attentive unless told otherwise.
 */
export function createTestSession(overrides: Partial<ChatSessionOptions> = {}): ChatSession {
  let n = 0;
  return createChatSession({
    api: createApiClient({ getToken: () => 'tok' }),
    me: overrides.me ?? makeUser(),
    socketUrl: 'ws://test/ws',
    token: () => 'tok',
    onUnauthorized: jest.fn(),
    attentive: () => true,
    newClientId: () => `client-${++n}`,
    ...overrides,
    realtime: { createSocket: (url, protocols) => new FakeSocket(url, protocols), random: () => 0, ...overrides.realtime },
  });
}
