export interface BackoffOptions {
  /** Delay cap of the first retry. */
  initialMs: number;
  /** The cap stops doubling here. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * Delay before reconnect number `attempt` (0-based): the cap doubles from `initialMs` up to
 * `maxMs`, and the delay is drawn uniformly from [cap/2, cap] ("equal jitter"), so thousands of
 * clients dropped by one server restart do not all come back in the same instant, yet none
 * retries sooner than half the cap.
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, options = DEFAULT_BACKOFF): number {
  const cap = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt));
  return Math.round(cap / 2 + random() * (cap / 2));
}
