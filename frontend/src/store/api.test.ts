import { installFetch } from '../test-utils/fetchMock';
import { LOGOUT_WAIT_MS, logOut } from './api';
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
