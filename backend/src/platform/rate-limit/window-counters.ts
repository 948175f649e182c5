import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';

export interface CounterWindow {
  count: number;
  resetAt: number;
}

/**
 * Counters over fixed time windows, keyed by string: what a rate limit needs. `take`
 * counts one and answers the count so far in one step, so concurrent requests can never
 * all see a count under the limit (count first, then do the costly work).
 */
export abstract class WindowCounters {
  /** Counts one in the key's window (opening a window of `windowMs` if none is open); the count and when the window ends. */
  abstract take(key: string, windowMs: number): Promise<CounterWindow>;
  /** Takes one back (a reserved attempt that turned out fine). */
  abstract give(key: string): Promise<void>;
  abstract clear(key: string): Promise<void>;
}

/** One instance's counters. */
export class InMemoryWindowCounters extends WindowCounters {
  private readonly windows = new Map<string, CounterWindow>();
  private lastSweep = 0;
  now: () => number = Date.now;

  async take(key: string, windowMs: number): Promise<CounterWindow> {
    this.sweep();
    const now = this.now();
    const window = this.windows.get(key);
    if (window && window.resetAt > now) {
      window.count += 1;
      return { ...window };
    }
    const opened = { count: 1, resetAt: now + windowMs };
    this.windows.set(key, opened);
    return { ...opened };
  }

  async give(key: string): Promise<void> {
    const window = this.windows.get(key);
    if (window && window.count > 0) window.count -= 1;
  }

  async clear(key: string): Promise<void> {
    this.windows.delete(key);
  }

  /** Forgets expired windows now and then, so memory follows the live ones. */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

/**
 * Counters shared by every instance through Redis (INCR, then the window's expiry set only
 * when it opens), so N instances do not give an attacker N times the budget. While Redis
 * is unreachable, this instance counts alone.
 */
export class RedisWindowCounters extends WindowCounters {
  private readonly logger = new Logger('RedisWindowCounters');
  private readonly fallback = new InMemoryWindowCounters();
  private lastWarning = 0;

  constructor(private readonly redis: Redis) {
    super();
  }

  async take(key: string, windowMs: number): Promise<CounterWindow> {
    try {
      const replies = await this.redis.multi().incr(this.key(key)).pexpire(this.key(key), windowMs, 'NX').pttl(this.key(key)).exec();
      const count = Number(replies?.[0]?.[1]);
      const ttl = Number(replies?.[2]?.[1]);
      if (!Number.isFinite(count)) throw new Error('no answer to INCR');
      return { count, resetAt: Date.now() + (ttl > 0 ? ttl : windowMs) };
    } catch (error) {
      this.warn(error);
      return this.fallback.take(key, windowMs);
    }
  }

  async give(key: string): Promise<void> {
    await this.fallback.give(key);
    await this.redis.decr(this.key(key)).catch((error: unknown) => this.warn(error));
  }

  async clear(key: string): Promise<void> {
    await this.fallback.clear(key);
    await this.redis.del(this.key(key)).catch((error: unknown) => this.warn(error));
  }

  private key(key: string): string {
    return `chatflow:limit:${key}`;
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(`Redis unavailable, rate limits count on this instance only: ${(error as Error).message}`);
  }
}
