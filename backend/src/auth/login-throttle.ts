import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { RateLimiter } from '../platform/rate-limit/rate-limiter';

/**
 * Slows password guessing. Every attempt is counted before the password is hashed (so a
 * burst of concurrent attempts cannot all pass a limit that is only checked), against:
 * the client address (all attempts), the account from that address (failures: the one a
 * guesser hits), and the account from anywhere (a higher ceiling against guessing spread
 * over many addresses). A lock-out from one address therefore does not lock the owner out
 * from theirs. A success takes its attempt back from the account's counts and clears that
 * address's failures. Shared by every instance when Redis is configured.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'loginThrottle'>,
    private readonly limiter: RateLimiter,
  ) {}

  /** Counts the attempt; 429 with Retry-After when a limit is reached. */
  begin(account: string, address: string): Promise<void> {
    const { maxFailuresPerAccount, maxFailuresPerAccountTotal, maxAttemptsPerAddress } = this.config.loginThrottle;
    const windowMs = this.windowMs;
    return this.limiter.take(
      [
        { key: addressKey(address), max: maxAttemptsPerAddress, windowMs },
        { key: accountAddressKey(account, address), max: maxFailuresPerAccount, windowMs },
        { key: accountKey(account), max: maxFailuresPerAccountTotal, windowMs },
      ],
      'Too many login attempts; try again later',
    );
  }

  /** The right password: this attempt was no failure. */
  async succeeded(account: string, address: string): Promise<void> {
    await Promise.all([this.limiter.clear(accountAddressKey(account, address)), this.limiter.give(accountKey(account))]);
  }

  private get windowMs(): number {
    return this.config.loginThrottle.windowSeconds * 1000;
  }
}

const accountKey = (account: string) => `login:account:${account.toLowerCase()}`;
const accountAddressKey = (account: string, address: string) => `login:account-address:${account.toLowerCase()}:${address}`;
const addressKey = (address: string) => `login:address:${address}`;
