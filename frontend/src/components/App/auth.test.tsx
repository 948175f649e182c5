import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { FakeSocket } from '../../test-utils/fakeSocket';
import { makeUser } from '../../test-utils/fixtures';
import { installFetch, reply } from '../../test-utils/fetchMock';
import { useSession } from '../../store/session';
import { App } from './App';

const alice = makeUser({ username: 'alice', full_name: 'Alice Liddell' });

beforeEach(() => {
  sessionStorage.clear();
  useSession.setState({ token: null, user: null, notice: null });
  FakeSocket.reset();
  globalThis.WebSocket = FakeSocket as unknown as typeof WebSocket;
});

function chatRoutes() {
  return {
    'GET /users/me': () => reply(200, alice),
    'GET /conversations': () => reply(200, []),
  };
}

describe('login', () => {
  it('logs in, keeps the token for this tab and shows the chats', async () => {
    const { calls } = installFetch({
      'POST /auth/login': () => reply(200, { access_token: 'tok-1', token_type: 'bearer', expires_in: 86400 }),
      ...chatRoutes(),
    });
    render(<App />);
    expect(screen.getByRole('heading', { name: 'Login' })).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Login' }));

    expect(await screen.findByRole('navigation', { name: 'Chats' })).toBeInTheDocument();
    expect(calls[0]).toMatchObject({ method: 'POST', path: '/auth/login', body: { username: 'alice', password: 'correct horse' } });
    expect(sessionStorage.getItem('chatflow.token')).toBe('tok-1');
    const me = calls.find((c) => c.path === '/users/me');
    expect(me?.headers.Authorization).toBe('Bearer tok-1');
    expect(FakeSocket.latest().protocols).toEqual(['chatflow.v1', 'bearer.tok-1']);
  });

  it('shows the error for wrong credentials and stays on the login page', async () => {
    installFetch({
      'POST /auth/login': () => reply(401, { statusCode: 401, message: 'Invalid username or password', error: 'Unauthorized' }),
    });
    render(<App />);
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong password');
    await userEvent.click(screen.getByRole('button', { name: 'Login' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Incorrect username or password.');
    expect(screen.getByRole('heading', { name: 'Login' })).toBeInTheDocument();
    expect(sessionStorage.getItem('chatflow.token')).toBeNull();
  });

  it('shows the server message for too many attempts', async () => {
    installFetch({
      'POST /auth/login': () => reply(429, { statusCode: 429, message: 'Too many login attempts; retry in 900 s', error: 'Too Many Requests' }),
    });
    render(<App />);
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'whatever1');
    await userEvent.click(screen.getByRole('button', { name: 'Login' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Too many login attempts; retry in 900 s');
  });

  it('asks for both fields before calling the server', async () => {
    const { calls } = installFetch({});
    render(<App />);
    await userEvent.click(screen.getByRole('button', { name: 'Login' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Enter your username and password.');
    expect(calls).toHaveLength(0);
  });
});

describe('register', () => {
  it('creates the account, logs in and shows the chats', async () => {
    const { calls } = installFetch({
      'POST /auth/register': () => reply(201, alice),
      'POST /auth/login': () => reply(200, { access_token: 'tok-2', token_type: 'bearer', expires_in: 86400 }),
      ...chatRoutes(),
    });
    render(<App />);
    await userEvent.click(screen.getByRole('button', { name: "Don't have an account? Register" }));
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Email'), 'alice@example.com');
    await userEvent.type(screen.getByLabelText('Full name (optional)'), 'Alice Liddell');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));

    expect(await screen.findByRole('navigation', { name: 'Chats' })).toBeInTheDocument();
    expect(calls[0]).toMatchObject({
      path: '/auth/register',
      body: { username: 'alice', email: 'alice@example.com', password: 'correct horse', full_name: 'Alice Liddell' },
    });
    expect(calls[1]).toMatchObject({ path: '/auth/login', body: { username: 'alice', password: 'correct horse' } });
  });

  it('checks the fields before sending them', async () => {
    const { calls } = installFetch({});
    render(<App />);
    await userEvent.click(screen.getByRole('button', { name: "Don't have an account? Register" }));
    await userEvent.type(screen.getByLabelText('Username'), 'a!');
    await userEvent.type(screen.getByLabelText('Email'), 'not-an-email');
    await userEvent.type(screen.getByLabelText('Password'), 'short');
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Username: 3 to 32 letters');
    expect(alert).toHaveTextContent('Enter a valid email address.');
    expect(alert).toHaveTextContent('Password: 8 to 128 characters.');
    expect(calls).toHaveLength(0);
  });

  it('shows a taken username', async () => {
    installFetch({
      'POST /auth/register': () => reply(409, { statusCode: 409, message: 'Username already taken', error: 'Conflict' }),
    });
    render(<App />);
    await userEvent.click(screen.getByRole('button', { name: "Don't have an account? Register" }));
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Email'), 'alice@example.com');
    await userEvent.type(screen.getByLabelText('Password'), 'correct horse');
    await userEvent.click(screen.getByRole('button', { name: 'Register' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Username already taken');
    expect(screen.getByRole('heading', { name: 'Register' })).toBeInTheDocument();
  });

  it('goes back to the login form', async () => {
    installFetch({});
    render(<App />);
    await userEvent.click(screen.getByRole('button', { name: "Don't have an account? Register" }));
    await userEvent.click(screen.getByRole('button', { name: 'Already have an account? Login' }));
    expect(screen.getByRole('heading', { name: 'Login' })).toBeInTheDocument();
  });
});

describe('a server that cannot answer', () => {
  it('keeps the session when loading the account answers 503, and tries again by itself, never sooner than Retry-After', async () => {
    jest.useFakeTimers({ advanceTimers: true });
    try {
      useSession.setState({ token: 'tok' });
      let failures = 2;
      const unavailable = { statusCode: 503, message: 'The database is unavailable; try again in a moment', error: 'Service Unavailable' };
      const { calls } = installFetch({
        ...chatRoutes(),
        'GET /users/me': () => (failures-- > 0 ? reply(503, unavailable, { 'Retry-After': '1' }) : reply(200, alice)),
      });
      render(<App />);
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('The database is unavailable; try again in a moment');
      expect(alert).toHaveTextContent(/Retrying in 1 s\./);
      expect(useSession.getState()).toMatchObject({ token: 'tok', notice: null });

      await act(async () => jest.advanceTimersByTime(1000));
      expect(await screen.findByRole('alert')).toHaveTextContent(/Retrying in 1 s\./);
      await act(async () => jest.advanceTimersByTime(1000));
      expect(await screen.findByText(/No chats yet/)).toBeInTheDocument();
      expect(calls.filter((c) => c.path === '/users/me')).toHaveLength(3);
      expect(useSession.getState().token).toBe('tok');
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('401', () => {
  it('returns to the login page when the stored token is refused', async () => {
    sessionStorage.setItem('chatflow.token', 'expired');
    useSession.setState({ token: 'expired' });
    installFetch({ 'GET /users/me': () => reply(401, { statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' }) });
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Login' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your session has expired. Please log in again.');
    expect(sessionStorage.getItem('chatflow.token')).toBeNull();
  });

  it('returns to the login page when any later request is refused', async () => {
    useSession.setState({ token: 'tok' });
    installFetch({
      'GET /users/me': () => reply(200, alice),
      'GET /conversations': () => reply(401, { statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' }),
    });
    render(<App />);
    expect(await screen.findByRole('heading', { name: 'Login' })).toBeInTheDocument();
    expect(useSession.getState().token).toBeNull();
  });

  it('returns to the login page, session expired, when the socket is closed with 4401', async () => {
    useSession.setState({ token: 'tok' });
    installFetch(chatRoutes());
    render(<App />);
    await screen.findByRole('navigation', { name: 'Chats' });
    act(() => FakeSocket.latest().drop(4401));
    expect(await screen.findByRole('heading', { name: 'Login' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Your session has expired. Please log in again.');
  });

  it('says the user was logged out from another device when the socket is told session_revoked', async () => {
    useSession.setState({ token: 'tok' });
    sessionStorage.setItem('chatflow.token', 'tok');
    installFetch(chatRoutes());
    render(<App />);
    await screen.findByRole('navigation', { name: 'Chats' });
    const socket = FakeSocket.latest();
    act(() => socket.accept(alice.id));
    act(() => {
      socket.push({ type: 'session_revoked' });
      socket.drop(4401);
    });
    expect(await screen.findByRole('heading', { name: 'Login' })).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('You were logged out from another device. Please log in again.');
    expect(sessionStorage.getItem('chatflow.token')).toBeNull();
    expect(FakeSocket.instances).toHaveLength(1);
  });

});

describe('logging out', () => {
  function loggedIn() {
    useSession.setState({ token: 'tok' });
    sessionStorage.setItem('chatflow.token', 'tok');
  }

  it('ends the session on the server first, then here, with no notice', async () => {
    loggedIn();
    const tokenWhenAsked: Array<string | null> = [];
    const { calls } = installFetch({
      ...chatRoutes(),
      'POST /auth/logout': () => {
        tokenWhenAsked.push(useSession.getState().token, sessionStorage.getItem('chatflow.token'));
        return reply(204);
      },
    });
    render(<App />);
    await userEvent.click(await screen.findByRole('button', { name: 'Log out' }));
    expect(await screen.findByRole('heading', { name: 'Login' })).toBeInTheDocument();
    expect(calls.find((c) => c.path === '/auth/logout')).toMatchObject({ method: 'POST', headers: { Authorization: 'Bearer tok' } });
    expect(tokenWhenAsked).toEqual(['tok', 'tok']);
    expect(sessionStorage.getItem('chatflow.token')).toBeNull();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    await waitFor(() => expect(FakeSocket.latest().closedWith).toBe(1000));
  });

  it('logs out here when the server cannot be reached', async () => {
    loggedIn();
    const { fetchMock } = installFetch(chatRoutes());
    render(<App />);
    const button = await screen.findByRole('button', { name: 'Log out' });
    fetchMock.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    await userEvent.click(button);
    expect(await screen.findByRole('heading', { name: 'Login' })).toBeInTheDocument();
    expect(sessionStorage.getItem('chatflow.token')).toBeNull();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it('shows no notice when the server already refuses the token, nor when its own socket is revoked meanwhile', async () => {
    loggedIn();
    let answer!: () => void;
    installFetch({
      ...chatRoutes(),
      'POST /auth/logout': () =>
        new Promise((resolve) => {
          answer = () => resolve(reply(401, { statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' }));
        }),
    });
    render(<App />);
    await screen.findByRole('navigation', { name: 'Chats' });
    const socket = FakeSocket.latest();
    act(() => socket.accept(alice.id));
    await userEvent.click(screen.getByRole('button', { name: 'Log out' }));
    expect(screen.getByRole('button', { name: 'Log out' })).toBeDisabled();
    // The server revokes the session (its socket hears it) before its answer arrives.
    act(() => {
      socket.push({ type: 'session_revoked' });
      socket.drop(4401);
    });
    expect(screen.queryByText(/logged out from another device/)).not.toBeInTheDocument();
    act(() => answer());
    expect(await screen.findByRole('heading', { name: 'Login' })).toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    expect(useSession.getState()).toMatchObject({ token: null, notice: null, loggingOut: false });
  });
});
