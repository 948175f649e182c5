import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';

export interface CounterWindow {
  count: number;
  resetAt: number;
}

/** Counters over fixed time windows, keyed by string: what a rate limit needs. */
export abstract class WindowCounters {
  abstract peek(key: string): Promise<CounterWindow | undefined>;
  abstract hit(key: string, windowMs: number): Promise<void>;
  abstract clear(key: string): Promise<void>;
}

/** One instance's counters. */
export class InMemoryWindowCounters extends WindowCounters {
  private readonly windows = new Map<string, CounterWindow>();
  private lastSweep = 0;
  now: () => number = Date.now;

  async peek(key: string): Promise<CounterWindow | undefined> {
    const window = this.windows.get(key);
    if (window && window.resetAt <= this.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  async hit(key: string, windowMs: number): Promise<void> {
    this.sweep();
    const window = await this.peek(key);
    if (window) window.count += 1;
    else this.windows.set(key, { count: 1, resetAt: this.now() + windowMs });
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
 * Counters shared by every instance through Redis, so N instances do not give an
 * attacker N times the budget. While Redis is unreachable, this instance counts alone.
 */
export class RedisWindowCounters extends WindowCounters {
  private readonly logger = new Logger('RedisWindowCounters');
  private readonly fallback = new InMemoryWindowCounters();
  private lastWarning = 0;

  constructor(private readonly redis: Redis) {
    super();
  }

  async peek(key: string): Promise<CounterWindow | undefined> {
    try {
      const [[, count], [, ttl]] = (await this.redis.multi().get(this.key(key)).pttl(this.key(key)).exec()) as [
        [unknown, string | null],
        [unknown, number],
      ];
      const local = await this.fallback.peek(key);
      if (count === null || ttl < 0) return local;
      const shared = { count: Number(count), resetAt: Date.now() + ttl };
      return local && local.count > shared.count ? local : shared;
    } catch (error) {
      this.warn(error);
      return this.fallback.peek(key);
    }
  }

  async hit(key: string, windowMs: number): Promise<void> {
    try {
      await this.redis.multi().incr(this.key(key)).pexpire(this.key(key), windowMs, 'NX').exec();
    } catch (error) {
      this.warn(error);
      await this.fallback.hit(key, windowMs);
    }
  }

  async clear(key: string): Promise<void> {
    await this.fallback.clear(key);
    await this.redis.del(this.key(key)).catch((error: unknown) => this.warn(error));
  }

  private key(key: string): string {
    return `chatflow:throttle:${key}`;
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning < 10_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(`Redis unavailable, login limits count on this instance only: ${(error as Error).message}`);
  }
}
