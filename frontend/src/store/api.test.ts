import { installFetch, reply } from '../test-utils/fetchMock';
import { deleteAccount, LOGOUT_WAIT_MS, logOut } from './api';
import { useSession } from './session';

beforeEach(() => {
  useSession.setState({ token: 'tok', user: null, notice: null, loggingOut: false });
});

afterEach(() => {
  jest.useRealTimers();
});

describe('logOut', () => {
  it('logs out here once the server has been waited for long enough', async () => {
    jest.useFakeTimers();
    const { calls } = installFetch({ 'POST /auth/logout': () => new Promise(() => undefined) });
    const done = logOut();
    expect(calls).toHaveLength(1);
    expect(useSession.getState()).toMatchObject({ token: 'tok', loggingOut: true });
    await jest.advanceTimersByTimeAsync(LOGOUT_WAIT_MS - 1);
    expect(useSession.getState().token).toBe('tok');
    await jest.advanceTimersByTimeAsync(1);
    await done;
    expect(useSession.getState()).toMatchObject({ token: null, notice: null, loggingOut: false });
  });

  it('ignores the refusals it causes while it waits, then clears the session', async () => {
    let answer!: () => void;
    installFetch({ 'POST /auth/logout': () => new Promise((resolve) => (answer = () => resolve({ status: 204 }))) });
    const done = logOut();
    useSession.getState().expire('revoked');
    expect(useSession.getState()).toMatchObject({ token: 'tok', notice: null });
    answer();
    await done;
    expect(useSession.getState()).toMatchObject({ token: null, notice: null, loggingOut: false });
  });
});

describe('deleteAccount', () => {
  it('takes the revocation it causes for the deletion, and ends the session saying the account was deleted', async () => {
    let answer!: () => void;
    const { calls } = installFetch({ 'DELETE /users/me': () => new Promise((resolve) => (answer = () => resolve(reply(204)))) });
    const done = deleteAccount('my password');
    expect(calls).toEqual([expect.objectContaining({ method: 'DELETE', path: '/users/me', body: { password: 'my password' } })]);
    useSession.getState().expire('revoked');
    expect(useSession.getState()).toMatchObject({ token: 'tok', notice: null, loggingOut: true });
    answer();
    await done;
    expect(useSession.getState()).toMatchObject({ token: null, notice: 'Your account was deleted.', loggingOut: false });
  });

  it('keeps the session when the server refuses (403), and ends it when the token itself was refused (401)', async () => {
    installFetch({ 'DELETE /users/me': () => reply(403, { statusCode: 403, message: 'Password is incorrect', error: 'Forbidden' }) });
    await expect(deleteAccount('wrong')).rejects.toMatchObject({ status: 403 });
    expect(useSession.getState()).toMatchObject({ token: 'tok', notice: null, loggingOut: false });

    installFetch({ 'DELETE /users/me': () => reply(401, { statusCode: 401, message: 'Unauthorized', error: 'Unauthorized' }) });
    await expect(deleteAccount('any')).rejects.toMatchObject({ status: 401 });
    expect(useSession.getState()).toMatchObject({ token: null, notice: 'Your session has expired. Please log in again.' });
  });
});
