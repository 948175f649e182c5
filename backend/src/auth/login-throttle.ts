import { HttpException, HttpStatus, Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

interface Window {
  count: number;
  resetAt: number;
}

export class TooManyAttemptsException extends HttpException {
  constructor(readonly retryAfterSeconds: number) {
    super('Too many login attempts; try again later', HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * Slows password guessing: failed logins are counted per account and all attempts per
 * client address, each in a fixed window; past either limit login answers 429 until the
 * window ends. A successful login clears the account's failures.
 */
@Injectable()
export class LoginThrottle implements OnModuleDestroy {
  private readonly accounts = new Map<string, Window>();
  private readonly addresses = new Map<string, Window>();
  private readonly sweeper: NodeJS.Timeout;
  now: () => number = Date.now;

  constructor(@Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'loginThrottle'>) {
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Throws 429 when either limit is reached; otherwise counts the attempt against the address. */
  assertAllowed(account: string, address: string): void {
    const { maxFailuresPerAccount, maxAttemptsPerAddress } = this.config.loginThrottle;
    const accountWindow = this.current(this.accounts, account.toLowerCase());
    const addressWindow = this.current(this.addresses, address);
    const blocked = [
      accountWindow && accountWindow.count >= maxFailuresPerAccount ? accountWindow : undefined,
      addressWindow && addressWindow.count >= maxAttemptsPerAddress ? addressWindow : undefined,
    ].filter((w): w is Window => w !== undefined);
    if (blocked.length) {
      const until = Math.max(...blocked.map((w) => w.resetAt));
      throw new TooManyAttemptsException(Math.max(1, Math.ceil((until - this.now()) / 1000)));
    }
    this.bump(this.addresses, address);
  }

  recordFailure(account: string): void {
    this.bump(this.accounts, account.toLowerCase());
  }

  recordSuccess(account: string): void {
    this.accounts.delete(account.toLowerCase());
  }

  private current(map: Map<string, Window>, key: string): Window | undefined {
    const window = map.get(key);
    if (window && window.resetAt <= this.now()) {
      map.delete(key);
      return undefined;
    }
    return window;
  }

  private bump(map: Map<string, Window>, key: string): void {
    const window = this.current(map, key);
    if (window) window.count += 1;
    else map.set(key, { count: 1, resetAt: this.now() + this.config.loginThrottle.windowSeconds * 1000 });
  }

  private sweep(): void {
    const now = this.now();
    for (const map of [this.accounts, this.addresses]) {
      for (const [key, window] of map) if (window.resetAt <= now) map.delete(key);
    }
  }
}
