import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useSession } from '../../store/session';
import { installFetch, reply, type Call, type Reply } from '../../test-utils/fetchMock';
import { makeUser } from '../../test-utils/fixtures';
import { AuthPage } from '../AuthPage/AuthPage';
import { SettingsPanel } from './SettingsPanel';

const me = makeUser({ username: 'ada', full_name: 'Ada Lovelace' });
const NOW = new Date('2026-11-24T15:00:00.000Z');
const EXPORT_NAME = 'chatflow-export-ada-2026-11-24.json';
const EXPORTED = { format: 'chatflow-export', version: 1, user: { username: 'ada' }, conversations: [] };

const error = (statusCode: number, message: string, headers?: Record<string, string>) =>
  reply(statusCode, { statusCode, message, error: 'Error' }, headers);

/** The app's root, as far as these tests go: the panel while logged in, the login page after. */
function Root({ onOpen = jest.fn() }: { onOpen?: () => void }) {
  const token = useSession((s) => s.token);
  return token ? <SettingsPanel onClose={jest.fn()} onOpen={onOpen} /> : <AuthPage />;
}

interface Routes {
  password?: (call: Call) => Reply | Promise<Reply>;
  exportData?: (call: Call) => Reply | Promise<Reply>;
  remove?: (call: Call) => Reply | Promise<Reply>;
}

function setup({ password = () => reply(204), exportData = () => reply(200, EXPORTED, { 'Content-Disposition': `attachment; filename="${EXPORT_NAME}"` }), remove = () => reply(204) }: Routes = {}) {
  const { calls } = installFetch({ 'POST /users/me/password': password, 'GET /users/me/export': exportData, 'DELETE /users/me': remove });
  const onOpen = jest.fn();
  const user = userEvent.setup({ advanceTimers: jest.advanceTimersByTime });
  render(<Root onOpen={onOpen} />);
  return { user, calls, onOpen };
}

const section = (name: string) => screen.getByRole('region', { name });

/** jsdom's Blob has no text(). */
function textOf(blob: Blob): Promise<string> {
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.readAsText(blob);
  });
}

beforeEach(() => {
  jest.useFakeTimers({ now: NOW, advanceTimers: true });
  useSession.setState({ token: 'tok', user: me, notice: null, loggingOut: false });
});

afterEach(() => jest.useRealTimers());

describe('SettingsPanel', () => {
  it('leads to the profile and the linked devices', async () => {
    const { user, onOpen } = setup();
    expect(screen.getByRole('heading', { name: 'Settings' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: /^Profile\W+Ada Lovelace$/ }));
    await user.click(screen.getByRole('button', { name: /^Linked devices\W+The browsers logged in to your account$/ }));
    expect(onOpen.mock.calls).toEqual([['profile'], ['devices']]);
  });

  describe('Change password', () => {
    async function change(user: ReturnType<typeof userEvent.setup>, current: string, next: string, confirm = next) {
      const form = section('Change password');
      const fields: Array<[string, string]> = [['Current password', current], ['New password', next], ['Confirm new password', confirm]];
      for (const [label, text] of fields) {
        const field = within(form).getByLabelText(label);
        // user-event keeps its own idea of a field's text, which React's reset of the form does not reach.
        await user.clear(field);
        if (text) await user.type(field, text);
      }
      await user.click(within(form).getByRole('button', { name: 'Change password' }));
      // Answered: React clears the form once the action is over.
      await waitFor(() => expect(within(form).getByLabelText('New password')).toHaveValue(''));
    }
    const requests = (calls: Call[]) => calls.filter((c) => c.path === '/users/me/password');

    it('changes it and says the other devices were logged out; no password stays on screen', async () => {
      const { user, calls } = setup();
      await change(user, 'old secret 1', 'new secret 22');
      expect(await within(section('Change password')).findByText('Your password was changed. Your other devices were logged out.')).toHaveAttribute('role', 'status');
      expect(requests(calls)).toEqual([
        expect.objectContaining({ method: 'POST', body: { current_password: 'old secret 1', new_password: 'new secret 22' }, headers: expect.objectContaining({ Authorization: 'Bearer tok' }) }),
      ]);
      for (const label of ['Current password', 'New password', 'Confirm new password']) expect(screen.getByLabelText(label)).toHaveValue('');
      expect(useSession.getState().token).toBe('tok');
    });

    it('checks the length and the confirmation before asking the server', async () => {
      const { user, calls } = setup();
      await change(user, '', 'short');
      expect(screen.getByRole('alert')).toHaveTextContent(/^Enter your current password\.Your new password needs 8 to 128 characters\.$/);
      await change(user, 'old secret 1', 'x'.repeat(129));
      expect(screen.getByRole('alert')).toHaveTextContent(/^Your new password needs 8 to 128 characters\.$/);
      await change(user, 'old secret 1', 'new secret 22', 'new secret 23');
      expect(screen.getByRole('alert')).toHaveTextContent(/^The new passwords do not match\.$/);
      expect(requests(calls)).toEqual([]);
    });

    it('says so when the current password is wrong (403)', async () => {
      const { user } = setup({ password: () => error(403, 'Current password is incorrect') });
      await change(user, 'not it at all', 'new secret 22');
      expect(await screen.findByRole('alert')).toHaveTextContent('Current password is incorrect.');
      expect(within(section('Change password')).getByRole('status')).toBeEmptyDOMElement();
    });

    it('gives the server’s reason for refusing the new password (400)', async () => {
      const { user } = setup({
        password: () => error(400, 'new_password is one of the most common passwords, which are guessed first: choose another'),
      });
      await change(user, 'old secret 1', 'password123');
      expect(await screen.findByRole('alert')).toHaveTextContent('The new password is one of the most common passwords, which are guessed first: choose another');
    });

    it('says when to try again after too many wrong passwords (429, Retry-After)', async () => {
      const { user } = setup({ password: () => error(429, 'Too many login attempts; try again later', { 'Retry-After': '300' }) });
      await change(user, 'guess number 9', 'new secret 22');
      expect(await screen.findByRole('alert')).toHaveTextContent('Too many wrong passwords. Try again in 5 minutes.');
    });
  });

  describe('Download my data', () => {
    function watchDownloads() {
      const saved: Array<{ href: string; download: string }> = [];
      // jsdom has no object URLs.
      const createObjectURL = jest.fn((_blob: Blob) => 'blob:http://localhost/export');
      const revokeObjectURL = jest.fn((_url: string) => undefined);
      URL.createObjectURL = createObjectURL;
      URL.revokeObjectURL = revokeObjectURL;
      jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
        saved.push({ href: this.href, download: this.download });
      });
      return { saved, createObjectURL, revokeObjectURL };
    }

    it('downloads the export with the token and saves it under the server’s name, busy meanwhile', async () => {
      const { saved, createObjectURL, revokeObjectURL } = watchDownloads();
      let answer!: (reply: Reply) => void;
      const { user, calls } = setup({ exportData: () => new Promise((resolve) => (answer = resolve)) });
      const panel = section('Download my data');
      await user.click(within(panel).getByRole('button', { name: 'Download my data' }));
      expect(within(panel).getByRole('status')).toHaveTextContent('Preparing your data…');
      expect(within(panel).getByRole('button', { name: 'Download my data' })).toHaveAttribute('aria-disabled', 'true');
      await user.click(within(panel).getByRole('button', { name: 'Download my data' }));
      expect(calls.filter((c) => c.path === '/users/me/export')).toEqual([
        expect.objectContaining({ method: 'GET', headers: expect.objectContaining({ Authorization: 'Bearer tok' }) }),
      ]);

      await act(async () => answer(reply(200, EXPORTED, { 'Content-Disposition': `attachment; filename="${EXPORT_NAME}"` })));
      expect(await within(panel).findByText(`Downloaded ${EXPORT_NAME}.`)).toBeInTheDocument();
      expect(saved).toEqual([{ href: 'blob:http://localhost/export', download: EXPORT_NAME }]);
      const [[blob]] = createObjectURL.mock.calls as [[Blob]];
      expect(JSON.parse(await textOf(blob))).toEqual(EXPORTED);
      expect(within(panel).getByRole('button', { name: 'Download my data' })).toHaveAttribute('aria-disabled', 'false');
      act(() => jest.advanceTimersByTime(10_000));
      expect(revokeObjectURL).toHaveBeenCalledWith('blob:http://localhost/export');
    });

    it('says when it can be downloaded again after too many exports (429)', async () => {
      const { saved } = watchDownloads();
      const { user } = setup({ exportData: () => error(429, 'Too many exports; try again later', { 'Retry-After': '700' }) });
      await user.click(screen.getByRole('button', { name: 'Download my data' }));
      expect(await screen.findByRole('alert')).toHaveTextContent('You downloaded your data too often. Try again in 12 minutes.');
      expect(saved).toEqual([]);
    });
  });

  describe('Delete account', () => {
    async function askToDelete(user: ReturnType<typeof userEvent.setup>) {
      await user.click(within(section('Delete account')).getByRole('button', { name: 'Delete my account' }));
      return screen.getByRole('alertdialog', { name: 'Delete your account?' });
    }

    it('explains what happens, then asks for the password; a wrong one is refused in the dialog (403)', async () => {
      const { user, calls } = setup({ remove: (call) => ((call.body as { password: string }).password === 'right one' ? reply(204) : error(403, 'Password is incorrect')) });
      expect(section('Delete account')).toHaveTextContent(/takes you out of all your groups.*cannot be undone/);
      const dialog = await askToDelete(user);
      expect(within(dialog).getByLabelText('Password')).toHaveFocus();
      await user.type(within(dialog).getByLabelText('Password'), 'wrong one{Enter}');
      expect(await within(dialog).findByRole('alert')).toHaveTextContent('Password is incorrect.');
      expect(useSession.getState()).toMatchObject({ token: 'tok', loggingOut: false });
      expect(calls.filter((c) => c.path === '/users/me')).toEqual([expect.objectContaining({ method: 'DELETE', body: { password: 'wrong one' } })]);

      await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
      expect(screen.queryByRole('alertdialog')).toBeNull();
      expect((await askToDelete(user)).textContent).not.toContain('Password is incorrect.');
    });

    it('deletes it: the login page says "Your account was deleted.", though the session was revoked before the answer came', async () => {
      let answer!: (reply: Reply) => void;
      const { user } = setup({ remove: () => new Promise((resolve) => (answer = resolve)) });
      const dialog = await askToDelete(user);
      await user.type(within(dialog).getByLabelText('Password'), 'right one');
      await user.click(within(dialog).getByRole('button', { name: 'Delete account' }));
      expect(within(dialog).getByRole('button', { name: 'Deleting…' })).toHaveAttribute('aria-disabled', 'true');

      // The server revokes every session before it answers: this tab's socket hears it first.
      act(() => useSession.getState().expire('revoked'));
      expect(useSession.getState().token).toBe('tok');

      await act(async () => answer(reply(204)));
      expect(await screen.findByRole('heading', { name: 'Login' })).toBeInTheDocument();
      expect(screen.getByRole('status')).toHaveTextContent(/^Your account was deleted\.$/);
      expect(useSession.getState()).toMatchObject({ token: null, user: null, loggingOut: false });
      expect(sessionStorage.getItem('chatflow.token')).toBeNull();

      // What arrives after (the socket's 4401, a request's 401) changes nothing.
      act(() => useSession.getState().expire('expired'));
      expect(screen.getByRole('status')).toHaveTextContent(/^Your account was deleted\.$/);
    });
  });
});
