import { LoginThrottle, TooManyAttemptsException } from './login-throttle';

function throttle(maxFailuresPerAccount = 3, maxAttemptsPerAddress = 5) {
  const t = new LoginThrottle({ loginThrottle: { windowSeconds: 60, maxFailuresPerAccount, maxAttemptsPerAddress } });
  let clock = 1_000_000;
  t.now = () => clock;
  return { t, advance: (ms: number) => (clock += ms) };
}

describe('LoginThrottle', () => {
  it('blocks an account after too many failures, whatever the address', () => {
    const { t } = throttle(3, 100);
    for (let i = 0; i < 3; i++) {
      t.assertAllowed('Alice', `10.0.0.${i}`);
      t.recordFailure('Alice');
    }
    expect(() => t.assertAllowed('alice', '10.0.0.99')).toThrow(TooManyAttemptsException);
    expect(() => t.assertAllowed('bob', '10.0.0.99')).not.toThrow();
  });

  it('blocks an address after too many attempts, whatever the account', () => {
    const { t } = throttle(100, 5);
    for (let i = 0; i < 5; i++) t.assertAllowed(`user${i}`, '10.0.0.1');
    expect(() => t.assertAllowed('someone', '10.0.0.1')).toThrow(TooManyAttemptsException);
    expect(() => t.assertAllowed('someone', '10.0.0.2')).not.toThrow();
  });

  it('lets the account in again once the window has passed, and says when', () => {
    const { t, advance } = throttle(1, 100);
    t.assertAllowed('alice', 'a');
    t.recordFailure('alice');
    let thrown: TooManyAttemptsException | undefined;
    try {
      t.assertAllowed('alice', 'a');
    } catch (e) {
      thrown = e as TooManyAttemptsException;
    }
    expect(thrown?.retryAfterSeconds).toBe(60);
    advance(60_000);
    expect(() => t.assertAllowed('alice', 'a')).not.toThrow();
  });

  it('forgets an account’s failures after a successful login', () => {
    const { t } = throttle(2, 100);
    t.recordFailure('alice');
    t.recordSuccess('alice');
    t.recordFailure('alice');
    expect(() => t.assertAllowed('alice', 'a')).not.toThrow();
  });
});
