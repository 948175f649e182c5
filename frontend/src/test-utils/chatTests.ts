import type { User } from '../api/client';
import { useSession } from '../store/session';
import { FakeSocket } from './fakeSocket';

/** For a file of tests that each open a chat as `me`: fake timers that run, fresh fake sockets, `me` logged in. */
export function loggedInEachTest(me: User): void {
  beforeEach(() => {
    jest.useFakeTimers({ advanceTimers: true });
    FakeSocket.reset();
    useSession.setState({ token: 'tok', user: me, notice: null });
  });
  afterEach(() => {
    jest.useRealTimers();
  });
}
