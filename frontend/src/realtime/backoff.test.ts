import { backoffDelay } from './backoff';

const options = { initialMs: 500, maxMs: 30_000 };

describe('backoffDelay', () => {
  it('doubles the cap from 500 ms and draws the delay from [cap/2, cap]', () => {
    const caps = [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000];
    caps.forEach((cap, attempt) => {
      expect(backoffDelay(attempt, () => 0, options)).toBe(cap / 2);
      expect(backoffDelay(attempt, () => 0.999999, options)).toBe(cap);
      const delay = backoffDelay(attempt, Math.random, options);
      expect(delay).toBeGreaterThanOrEqual(cap / 2);
      expect(delay).toBeLessThanOrEqual(cap);
    });
  });

  it('never exceeds the maximum however many attempts failed', () => {
    expect(backoffDelay(1000, () => 1, options)).toBe(30_000);
  });

  it('spreads clients out: different random draws give different delays', () => {
    expect(backoffDelay(3, () => 0.1, options)).not.toBe(backoffDelay(3, () => 0.9, options));
  });
});
