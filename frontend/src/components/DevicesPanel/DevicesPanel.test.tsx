import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { AuthSession } from '../../api/client';
import { useSession } from '../../store/session';
import { installFetch, reply, type Reply } from '../../test-utils/fetchMock';
import { uuid } from '../../test-utils/fixtures';
import { DevicesPanel } from './DevicesPanel';

const NOW = new Date('2026-11-24T15:00:00.000Z');
const UA = {
  chromeLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/26.0 Mobile/15E148 Safari/604.1',
};

function session(overrides: Partial<AuthSession>): AuthSession {
  return {
    id: uuid(),
    created_at: '2026-11-20T09:00:00.000Z',
    last_used_at: '2026-11-24T14:00:00.000Z',
    user_agent: UA.chromeLinux,
    current: false,
    ...overrides,
  };
}

const here = session({ current: true, last_used_at: '2026-11-24T15:00:00.000Z', created_at: '2026-11-24T08:00:00.000Z' });
const laptop = session({ user_agent: UA.firefoxWindows, last_used_at: '2026-11-24T10:30:00.000Z' });
const phone = session({ user_agent: UA.safariIphone, last_used_at: '2026-11-23T21:15:00.000Z' });
const unknown = session({ user_agent: null, last_used_at: '2026-11-01T12:00:00.000Z' });

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, advanceTimers: true });
  useSession.setState({ token: 'tok', user: null, notice: null, loggingOut: false });
});

afterEach(() => {
  jest.useRealTimers();
});

const NOT_FOUND = reply(404, { statusCode: 404, message: 'No such session', error: 'Not Found' });
const FAILED = reply(500, { statusCode: 500, message: 'Internal server error', error: 'Internal Server Error' });

interface Setup {
  /** The answer to GET /auth/sessions; by default the four sessions above. */
  list?: () => Reply;
  /** The answer to DELETE /auth/sessions/{id}; by default 204. */
  revoke?: (id: string) => Reply;
}

function setup({ list = () => reply(200, [here, laptop, phone, unknown]), revoke = () => reply(204) }: Setup = {}) {
  const { calls } = installFetch({
    'GET /auth/sessions': list,
    'DELETE /auth/sessions/*': (call) => revoke(call.path.slice('/auth/sessions/'.length)),
  });
  const onClose = jest.fn();
  const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
  render(<DevicesPanel onClose={onClose} />);
  const deletes = () => calls.filter((c) => c.method === 'DELETE').map((c) => c.path);
  return { user, onClose, deletes };
}

const others = () => screen.getByRole('region', { name: 'Other devices' });
const logOutButton = (name: string) => within(others()).getByRole('button', { name: `Log out ${name}` });

describe('DevicesPanel', () => {
  it('lists this device, then the others with a readable name, when each was last active and logged in', async () => {
    setup();
    expect(screen.getByRole('status')).toHaveTextContent('Loading your devices…');
    const current = await screen.findByRole('region', { name: 'This device' });
    expect(within(current).getByRole('listitem')).toHaveTextContent('Chrome on LinuxActive nowLogged in today at 8:00 AM');
    expect(within(current).queryByRole('button')).not.toBeInTheDocument();

    const rows = within(others()).getAllByRole('listitem');
    expect(rows.map((row) => row.textContent)).toEqual([
      'Firefox on WindowsLast active today at 10:30 AMLogged in 11/20/2026 at 9:00 AMLog out',
      'Safari on iOSLast active yesterday at 9:15 PMLogged in 11/20/2026 at 9:00 AMLog out',
      'Unknown deviceLast active 11/01/2026 at 12:00 PMLogged in 11/20/2026 at 9:00 AMLog out',
    ]);
    expect(logOutButton('Firefox on Windows')).toHaveAccessibleDescription('Last active today at 10:30 AM Logged in 11/20/2026 at 9:00 AM');
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
  });

  it('logs one device out: it leaves the list, the panel says so and the focus stays in the list', async () => {
    const { user, deletes } = setup();
    await user.click(await screen.findByRole('button', { name: 'Log out Firefox on Windows' }));
    await screen.findByText('Logged out Firefox on Windows.');
    expect(deletes()).toEqual([`/auth/sessions/${laptop.id}`]);
    expect(within(others()).queryByText('Firefox on Windows')).not.toBeInTheDocument();
    expect(within(others()).getAllByRole('listitem')).toHaveLength(2);
    expect(screen.getByRole('heading', { name: 'Other devices' })).toHaveFocus();
  });

  it('takes a device the server no longer knows (404) off the list too', async () => {
    const { user } = setup({ revoke: () => NOT_FOUND });
    await user.click(await screen.findByRole('button', { name: 'Log out Safari on iOS' }));
    await waitFor(() => expect(within(others()).queryByText('Safari on iOS')).not.toBeInTheDocument());
    expect(screen.getByRole('status')).toHaveTextContent('Logged out Safari on iOS.');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps a device the server failed to log out, and says so', async () => {
    const { user } = setup({ revoke: () => FAILED });
    await user.click(await screen.findByRole('button', { name: 'Log out Safari on iOS' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not log out Safari on iOS. Try again.');
    expect(logOutButton('Safari on iOS')).toHaveFocus();
  });

  it('logs out all other devices after asking, never this one', async () => {
    const { user, deletes } = setup({ revoke: (id) => (id === phone.id ? NOT_FOUND : reply(204)) });
    await user.click(await screen.findByRole('button', { name: 'Log out all other devices' }));
    const dialog = screen.getByRole('alertdialog', { name: /Log out all other devices\?/ });
    await user.click(within(dialog).getByRole('button', { name: 'Log out all' }));
    expect(await screen.findByText('No other device is logged in.')).toBeInTheDocument();
    expect(deletes()).toEqual([laptop.id, phone.id, unknown.id].map((id) => `/auth/sessions/${id}`));
    expect(screen.getByRole('status')).toHaveTextContent('Logged out all other devices.');
    expect(screen.queryByRole('button', { name: 'Log out all other devices' })).not.toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'This device' })).toHaveTextContent('Chrome on Linux');
    expect(screen.getByRole('heading', { name: 'Other devices' })).toHaveFocus();
  });

  it('keeps the devices it could not log out among all the others, and counts them', async () => {
    const { user } = setup({ revoke: (id) => (id === laptop.id ? FAILED : reply(204)) });
    await user.click(await screen.findByRole('button', { name: 'Log out all other devices' }));
    await user.click(screen.getByRole('button', { name: 'Log out all' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not log out 1 device. Try again.');
    const rows = within(others()).getAllByRole('listitem');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toHaveTextContent('Firefox on Windows');
    expect(logOutButton('Firefox on Windows')).toBeInTheDocument();
  });

  it('closes the question with Escape, not the panel; the panel with Escape after', async () => {
    const { user, onClose, deletes } = setup();
    await user.click(await screen.findByRole('button', { name: 'Log out all other devices' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(onClose).not.toHaveBeenCalled();
    expect(deletes()).toEqual([]);
    await user.keyboard('{Escape}');
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('says when there is no other device', async () => {
    setup({ list: () => reply(200, [here]) });
    expect(await screen.findByText('No other device is logged in.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Log out all other devices' })).not.toBeInTheDocument();
  });

  it('offers to try again when the list cannot be loaded', async () => {
    let fail = true;
    const { user } = setup({ list: () => (fail ? FAILED : reply(200, [here, laptop])) });
    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load your devices.');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('button', { name: 'Log out Firefox on Windows' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
