import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CounterWindow, WindowCounters } from './window-counters';

export class TooManyAttemptsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many login attempts; try again later', HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Slows password guessing: failed logins are counted per account and all attempts per
 * client address, each in a fixed window; past either limit login answers 429 until the
 * window ends. A successful login clears the account's failures. The counters are shared
 * by every instance when Redis is configured.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'loginThrottle'>,
    private readonly counters: WindowCounters,
  ) {}

  /** Throws 429 when either limit is reached; otherwise counts the attempt against the address. */
  async assertAllowed(account: string, address: string): Promise<void> {
    const { maxFailuresPerAccount, maxAttemptsPerAddress } = this.config.loginThrottle;
    const [failures, attempts] = await Promise.all([this.counters.peek(accountKey(account)), this.counters.peek(addressKey(address))]);
    const blocked = [
      failures && failures.count >= maxFailuresPerAccount ? failures : undefined,
      attempts && attempts.count >= maxAttemptsPerAddress ? attempts : undefined,
    ].filter((w): w is CounterWindow => w !== undefined);
    if (blocked.length) {
      const until = Math.max(...blocked.map((w) => w.resetAt));
      throw new TooManyAttemptsException(Math.max(1, Math.ceil((until - Date.now()) / 1000)));
    }
    await this.counters.hit(addressKey(address), this.windowMs);
  }

  recordFailure(account: string): Promise<void> {
    return this.counters.hit(accountKey(account), this.windowMs);
  }

  recordSuccess(account: string): Promise<void> {
    return this.counters.clear(accountKey(account));
  }

  private get windowMs(): number {
    return this.config.loginThrottle.windowSeconds * 1000;
  }
}

const accountKey = (account: string) => `account:${account.toLowerCase()}`;
const addressKey = (address: string) => `address:${address}`;
