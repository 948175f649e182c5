import { LoginThrottle, TooManyAttemptsException } from './login-throttle';
import { InMemoryWindowCounters } from './window-counters';

function throttle(maxFailuresPerAccount = 3, maxAttemptsPerAddress = 5) {
  const counters = new InMemoryWindowCounters();
  let clock = Date.now();
  counters.now = () => clock;
  jest.spyOn(Date, 'now').mockImplementation(() => clock);
  const t = new LoginThrottle({ loginThrottle: { windowSeconds: 60, maxFailuresPerAccount, maxAttemptsPerAddress } }, counters);
  return { t, advance: (ms: number) => (clock += ms) };
}

describe('LoginThrottle', () => {
  afterEach(() => jest.restoreAllMocks());

  it('blocks an account after too many failures, whatever the address', async () => {
    const { t } = throttle(3, 100);
    for (let i = 0; i < 3; i++) {
      await t.assertAllowed('Alice', `10.0.0.${i}`);
      await t.recordFailure('Alice');
    }
    await expect(t.assertAllowed('alice', '10.0.0.99')).rejects.toThrow(TooManyAttemptsException);
    await expect(t.assertAllowed('bob', '10.0.0.99')).resolves.toBeUndefined();
  });

  it('blocks an address after too many attempts, whatever the account', async () => {
    const { t } = throttle(100, 5);
    for (let i = 0; i < 5; i++) await t.assertAllowed(`user${i}`, '10.0.0.1');
    await expect(t.assertAllowed('someone', '10.0.0.1')).rejects.toThrow(TooManyAttemptsException);
    await expect(t.assertAllowed('someone', '10.0.0.2')).resolves.toBeUndefined();
  });

  it('lets the account in again once the window has passed, and says when', async () => {
    const { t, advance } = throttle(1, 100);
    await t.assertAllowed('alice', 'a');
    await t.recordFailure('alice');
    await expect(t.assertAllowed('alice', 'a')).rejects.toMatchObject({ retryAfterSeconds: 60 });
    advance(60_000);
    await expect(t.assertAllowed('alice', 'a')).resolves.toBeUndefined();
  });

  it('forgets an account’s failures after a successful login', async () => {
    const { t } = throttle(2, 100);
    await t.recordFailure('alice');
    await t.recordSuccess('alice');
    await t.recordFailure('alice');
    await expect(t.assertAllowed('alice', 'a')).resolves.toBeUndefined();
  });
});
