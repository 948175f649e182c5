import { ServiceUnavailableException } from '@nestjs/common';
import type { EventBus } from '../platform/bus/event-bus';
import { SessionCheck } from './session-check';
import type { SessionRow, SessionsRepository } from './sessions.repository';

const USER = 'user-1';
const config = { sessions: { cacheSeconds: 60, cacheSecondsWithoutBus: 2 } };

function setup(rows: Record<string, Partial<SessionRow>>) {
  let lookups = 0;
  let failing: Error | undefined;
  let busUp = true;
  const repository = {
    find: async (id: string) => {
      lookups += 1;
      if (failing) throw failing;
      const row = rows[id];
      return row ? ({ id, user_id: USER, revoked_at: null, expires_at: new Date(Date.now() + 3_600_000), ...row } as SessionRow) : undefined;
    },
    touch: async () => undefined,
  };
  const bus = { health: () => ({ connected: busUp }) };
  const check = new SessionCheck(repository as unknown as SessionsRepository, bus as unknown as EventBus, config);
  return {
    check,
    lookups: () => lookups,
    fail: (error: Error) => (failing = error),
    busDown: () => (busUp = false),
  };
}

describe('SessionCheck', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('accepts a live session of the token’s user, and remembers the answer', async () => {
    const { check, lookups } = setup({ s1: {} });
    await expect(check.isLive('s1', USER)).resolves.toBe(true);
    await expect(check.isLive('s1', USER)).resolves.toBe(true);
    expect(lookups()).toBe(1);
  });

  it.each([
    ['unknown', 's9', USER],
    ['revoked', 'revoked', USER],
    ['expired', 'expired', USER],
    ["someone else's", 's1', 'user-2'],
  ])('refuses a session that is %s', async (_, sessionId, userId) => {
    const { check } = setup({ s1: {}, revoked: { revoked_at: new Date() }, expired: { expires_at: new Date(Date.now() - 1) } });
    await expect(check.isLive(sessionId, userId)).resolves.toBe(false);
  });

  it('asks again once told the session was revoked', async () => {
    const rows: Record<string, Partial<SessionRow>> = { s1: {} };
    const { check, lookups } = setup(rows);
    await check.isLive('s1', USER);
    rows.s1 = { revoked_at: new Date() };
    check.forget(['s1']);
    await expect(check.isLive('s1', USER)).resolves.toBe(false);
    expect(lookups()).toBe(2);
  });

  it('trusts a remembered answer for seconds only while the bus is down', async () => {
    const { check, lookups, busDown } = setup({ s1: {} });
    busDown();
    await check.isLive('s1', USER);
    jest.advanceTimersByTime(1_999);
    await check.isLive('s1', USER);
    expect(lookups()).toBe(1);
    jest.advanceTimersByTime(1);
    await check.isLive('s1', USER);
    expect(lookups()).toBe(2);
  });

  it('refuses a remembered session once its token has expired', async () => {
    const { check } = setup({ s1: { expires_at: new Date(Date.now() + 10_000) } });
    await expect(check.isLive('s1', USER)).resolves.toBe(true);
    jest.advanceTimersByTime(10_000);
    await expect(check.isLive('s1', USER)).resolves.toBe(false);
  });

  it('answers 503, not "logged out", when the database cannot answer', async () => {
    const { check, fail } = setup({ s1: {} });
    fail(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    await expect(check.isLive('s1', USER)).rejects.toBeInstanceOf(ServiceUnavailableException);
  });

  it('lets any other failure through as it is (a 500, still not "logged out")', async () => {
    const { check, fail } = setup({ s1: {} });
    const bug = new TypeError('x is not a function');
    fail(bug);
    await expect(check.isLive('s1', USER)).rejects.toBe(bug);
  });
});
