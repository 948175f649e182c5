import { act, screen } from '@testing-library/react';
import { asPublic, makeConversation, makePublicUser, makeUser } from '../../test-utils/fixtures';
import { openChat } from '../../test-utils/openChat';
import { loggedInEachTest } from '../../test-utils/chatTests';

const me = makeUser({ username: 'me', full_name: 'Me' });
const bob = makePublicUser({ username: 'bob', full_name: 'Bob Stone', is_online: true });

loggedInEachTest(me);

describe('ChatWindow: the connection', () => {
  it('shows no presence it no longer knows while the socket is down, and the connection strip above the chat too', async () => {
    const chat = makeConversation({ participants: [asPublic(me), bob] });
    const { socket } = await openChat({ me, conversation: chat, row: 'Bob Stone' });
    expect(screen.getByTestId('chat-subtitle')).toHaveTextContent('online');

    act(() => socket.drop());
    expect(screen.getByTestId('chat-subtitle')).toHaveTextContent('connecting…');
    // One strip in the chat list, one above the open chat (the one a phone shows).
    expect(screen.getAllByTestId('connection-banner')).toHaveLength(2);
  });
});
