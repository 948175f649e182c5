import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import { InMemoryWindowCounters } from '../platform/rate-limit/window-counters';
import { LoginThrottle } from './login-throttle';

function throttle({ perAccount = 3, perAccountTotal = 100, perAddress = 100 } = {}) {
  const counters = new InMemoryWindowCounters();
  let clock = Date.now();
  counters.now = () => clock;
  jest.spyOn(Date, 'now').mockImplementation(() => clock);
  const t = new LoginThrottle(
    { loginThrottle: { windowSeconds: 60, maxFailuresPerAccount: perAccount, maxFailuresPerAccountTotal: perAccountTotal, maxAttemptsPerAddress: perAddress } },
    new RateLimiter(counters),
  );
  return { t, advance: (ms: number) => (clock += ms) };
}

/** A wrong password: the attempt is counted and never given back. */
const fail = (t: LoginThrottle, account: string, address: string) => t.begin(account, address);

describe('LoginThrottle', () => {
  afterEach(() => jest.restoreAllMocks());

  it("locks an account out from the address that guessed, not from the owner's", async () => {
    const { t } = throttle({ perAccount: 3 });
    for (let i = 0; i < 3; i++) await fail(t, 'Alice', '10.0.0.1');
    await expect(t.begin('alice', '10.0.0.1')).rejects.toMatchObject({ status: 429 });
    await expect(t.begin('alice', '192.168.1.5')).resolves.toBeUndefined();
    await expect(t.begin('bob', '10.0.0.1')).resolves.toBeUndefined();
  });

  it('locks an account out everywhere past its ceiling, against guessing spread over many addresses', async () => {
    const { t } = throttle({ perAccount: 3, perAccountTotal: 5 });
    for (let i = 0; i < 5; i++) await fail(t, 'alice', `10.0.0.${i}`);
    await expect(t.begin('alice', '192.168.1.5')).rejects.toMatchObject({ status: 429 });
  });

  it('counts before the password is checked, so a burst at once cannot all get past the limit', async () => {
    const { t } = throttle({ perAccount: 10 });
    const outcomes = await Promise.allSettled(Array.from({ length: 300 }, () => t.begin('alice', '10.0.0.1')));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
  });

  it('blocks an address after too many attempts, whatever the account', async () => {
    const { t } = throttle({ perAccount: 100, perAddress: 5 });
    for (let i = 0; i < 5; i++) await t.begin(`user${i}`, '10.0.0.1');
    await expect(t.begin('someone', '10.0.0.1')).rejects.toMatchObject({ status: 429 });
    await expect(t.begin('someone', '10.0.0.2')).resolves.toBeUndefined();
  });

  it('lets the account in again once the window has passed, and says when', async () => {
    const { t, advance } = throttle({ perAccount: 1 });
    await fail(t, 'alice', 'a');
    await expect(t.begin('alice', 'a')).rejects.toMatchObject({ retryAfterSeconds: 60 });
    advance(60_000);
    await expect(t.begin('alice', 'a')).resolves.toBeUndefined();
  });

  it('forgets the failures from an address after a successful login there', async () => {
    const { t } = throttle({ perAccount: 2 });
    await fail(t, 'alice', 'a');
    await t.begin('alice', 'a');
    await t.succeeded('alice', 'a');
    await fail(t, 'alice', 'a');
    await expect(t.begin('alice', 'a')).resolves.toBeUndefined();
  });
});
