import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { WindowCounters } from './window-counters';

/** 429 with the seconds until a retry can succeed (the error filter sends them as Retry-After). */
export class TooManyRequestsException extends HttpException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, HttpStatus.TOO_MANY_REQUESTS);
  }
}

export interface Limit {
  key: string;
  max: number;
  windowMs: number;
}

/** Fixed-window limits on top of WindowCounters (shared through Redis when there is one). */
@Injectable()
export class RateLimiter {
  constructor(private readonly counters: WindowCounters) {}

  /**
   * Counts one against each limit in turn (before the work it guards) and stops at the first
   * past its maximum — 429 — so a refused request does not count against the limits after
   * it (a guesser locked out at the first does not use up the owner's budget at the next).
   */
  async take(limits: Limit[], message: string): Promise<void> {
    for (const limit of limits) {
      const window = await this.counters.take(limit.key, limit.windowMs);
      if (window.count > limit.max) {
        throw new TooManyRequestsException(message, Math.max(1, Math.ceil((window.resetAt - Date.now()) / 1000)));
      }
    }
  }

  give(key: string): Promise<void> {
    return this.counters.give(key);
  }

  clear(key: string): Promise<void> {
    return this.counters.clear(key);
  }
}
