import { act, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeBroadcastChannel } from '../../test-utils/fakeBroadcastChannel';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { makeUser } from '../../test-utils/fixtures';
import { installFetch, reply } from '../../test-utils/fetchMock';
import { useSession } from '../../store/session';
import { ASK_WAIT_MS, SESSION_CHANNEL, shareSessionBetweenTabs } from '../../store/tabSession';
import { App } from './App';

/** Another tab of the same browser: a channel of the same name, whose messages the test reads and writes. */
function otherTab() {
  const channel = new BroadcastChannel(SESSION_CHANNEL);
  const heard: unknown[] = [];
  channel.onmessage = (event: MessageEvent) => heard.push(event.data);
  return { heard, say: (message: object) => channel.postMessage(message) };
}

const alice = makeUser({ username: 'alice', full_name: 'Alice Liddell' });
const routes = {
  'GET /users/me': () => reply(200, alice),
  'GET /conversations': () => reply(200, []),
  'POST /auth/logout': () => reply(204),
};

let stop: () => void = () => undefined;

beforeEach(() => {
  sessionStorage.clear();
  useSession.setState({ token: null, user: null, notice: null, loggingOut: false, ended: null, askingTabs: false });
  FakeSocket.reset();
  globalThis.WebSocket = FakeSocket as unknown as typeof WebSocket;
  FakeBroadcastChannel.install();
});

afterEach(() => {
  stop();
  FakeBroadcastChannel.uninstall();
});

function loggedIn(token: string) {
  useSession.setState({ token });
  sessionStorage.setItem('chatflow.token', token);
}

/** This tab, logged in with `token` and showing the chats, beside another tab. */
async function chatsBesideAnotherTab(token: string) {
  loggedIn(token);
  stop = shareSessionBetweenTabs();
  const other = otherTab();
  installFetch(routes);
  render(<App />);
  await screen.findByRole('navigation', { name: 'Chats' });
  return other;
}

describe('a new tab', () => {
  it('asks the open tabs and is logged in with the answer, without showing the login page', async () => {
    const open = otherTab();
    open.say({ type: 'welcome' }); // not for this tab: ignored
    stop = shareSessionBetweenTabs();
    installFetch(routes);
    render(<App />);
    expect(screen.getByRole('status')).toHaveTextContent('Loading');
    expect(screen.queryByRole('heading', { name: 'Login' })).not.toBeInTheDocument();
    await act(() => FakeBroadcastChannel.settle());
    expect(open.heard).toEqual([{ type: 'ask' }]);

    act(() => open.say({ type: 'session', token: 'tok-open' }));
    expect(await screen.findByRole('navigation', { name: 'Chats' })).toBeInTheDocument();
    expect(useSession.getState().token).toBe('tok-open');
    // Kept for this tab's reloads, as a login of its own would be.
    expect(sessionStorage.getItem('chatflow.token')).toBe('tok-open');
    // Taking the session is not news for the other tabs.
    expect(open.heard).toEqual([{ type: 'ask' }]);
  });

  it('shows the login page when no tab answers', async () => {
    jest.useFakeTimers();
    try {
      stop = shareSessionBetweenTabs();
      render(<App />);
      expect(screen.queryByRole('heading', { name: 'Login' })).not.toBeInTheDocument();
      act(() => jest.advanceTimersByTime(ASK_WAIT_MS));
      expect(screen.getByRole('heading', { name: 'Login' })).toBeInTheDocument();
    } finally {
      jest.useRealTimers();
    }
  });

  it('does not ask when it has a token of its own (a reload)', async () => {
    const open = otherTab();
    loggedIn('tok-mine');
    stop = shareSessionBetweenTabs();
    await act(() => FakeBroadcastChannel.settle());
    expect(open.heard).toEqual([]);
    expect(useSession.getState().askingTabs).toBe(false);
  });
});

describe('an open tab', () => {
  it('answers a new tab with its token', async () => {
    loggedIn('tok-mine');
    stop = shareSessionBetweenTabs();
    const fresh = otherTab();
    fresh.say({ type: 'ask' });
    await act(() => FakeBroadcastChannel.settle());
    expect(fresh.heard).toEqual([{ type: 'session', token: 'tok-mine' }]);
  });

  it('logs in the tabs at the login page when it logs in', async () => {
    const other = otherTab();
    stop = shareSessionBetweenTabs();
    act(() => useSession.getState().logIn('tok-new'));
    await act(() => FakeBroadcastChannel.settle());
    expect(other.heard).toEqual([{ type: 'ask' }, { type: 'session', token: 'tok-new' }]);
  });

  it('logs the other tabs out when the user logs out here', async () => {
    const other = await chatsBesideAnotherTab('tok-mine');
    await userEvent.click(screen.getByRole('button', { name: 'Log out' }));
    await screen.findByRole('heading', { name: 'Login' });
    await act(() => FakeBroadcastChannel.settle());
    expect(other.heard).toEqual([
      { type: 'logging-out', token: 'tok-mine', now: true },
      { type: 'ended', token: 'tok-mine' },
    ]);
  });

  it('is logged out when another tab logs out of the same session, saying what that tab said', async () => {
    const other = await chatsBesideAnotherTab('tok-mine');

    // Another session's end (another user in another tab) is not this tab's.
    act(() => other.say({ type: 'ended', token: 'tok-someone-else' }));
    await act(() => FakeBroadcastChannel.settle());
    expect(screen.getByRole('navigation', { name: 'Chats' })).toBeInTheDocument();

    act(() => other.say({ type: 'ended', token: 'tok-mine', why: 'deleted' }));
    expect(await screen.findByRole('heading', { name: 'Login' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your account was deleted.');
    expect(sessionStorage.getItem('chatflow.token')).toBeNull();
    // Not told back to the tabs.
    expect(other.heard).toEqual([]);
  });

  it('takes the server revoking the token while another tab logs out for that logout, not another device', async () => {
    const other = await chatsBesideAnotherTab('tok-mine');
    const socket = FakeSocket.latest();
    act(() => socket.accept(alice.id));

    act(() => other.say({ type: 'logging-out', token: 'tok-mine', now: true }));
    await act(() => FakeBroadcastChannel.settle());
    act(() => {
      socket.push({ type: 'session_revoked' });
      socket.drop(4401);
    });
    act(() => other.say({ type: 'ended', token: 'tok-mine' }));
    expect(await screen.findByRole('heading', { name: 'Login' })).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });
});
