import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import * as argon2 from 'argon2';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { HashingProcess } from './hashing-process';
import { HashingQueue } from './hashing-queue';

/**
 * argon2id at OWASP's recommended floor plus margin: 19 MiB of memory, 2 passes, 1 lane.
 * Memory is what makes GPU cracking expensive; 19 MiB keeps a login around 30 ms on one
 * core, so a 2-core server still absorbs bursts of logins. Hashes carry their parameters,
 * so raising them later needs no migration (old hashes keep verifying).
 */
export const ARGON2_OPTIONS = {
  type: argon2.argon2id,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * Hashes and verifies passwords through a bounded queue (PASSWORD_HASH_CONCURRENCY at once,
 * PASSWORD_HASH_QUEUE_LIMIT waiting, then 503), in a child process at a lower CPU priority
 * (PASSWORD_HASH_NICE; 0 hashes in this process): a burst of logins waits for its turn and
 * for idle CPU instead of taking the cores from message traffic. The trade-off: during a
 * burst beside busy message traffic a login takes longer; messages do not.
 */
@Injectable()
export class PasswordHasher implements OnApplicationShutdown {
  private readonly logger = new Logger(PasswordHasher.name);
  /** A real hash of a random password, verified when the account does not exist so both cases cost the same. */
  private readonly decoy = argon2.hash(`decoy-${Math.random()}`, ARGON2_OPTIONS);
  private readonly queue: HashingQueue;
  private readonly process: HashingProcess | undefined;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'passwordHashing'>) {
    const { concurrency, queueLimit, nice } = config.passwordHashing;
    this.queue = new HashingQueue(concurrency, queueLimit);
    this.process = nice > 0 ? new HashingProcess(nice, (detail) => this.logger.warn(detail)) : undefined;
  }

  hash(password: string): Promise<string> {
    return this.queue.run(() => (this.process ? this.process.hash(password, ARGON2_OPTIONS) : argon2.hash(password, ARGON2_OPTIONS)));
  }

  /** Whether a stored hash was made with other parameters than today's. */
  needsRehash(hash: string): boolean {
    return argon2.needsRehash(hash, ARGON2_OPTIONS);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    const decoy = await this.decoy;
    return this.queue.run(async () => {
      if (!hash) {
        await this.check(decoy, password);
        return false;
      }
      return this.check(hash, password);
    });
  }

  onApplicationShutdown(): void {
    this.process?.stop();
  }

  private check(hash: string, password: string): Promise<boolean> {
    return this.process ? this.process.verify(hash, password) : argon2.verify(hash, password).catch(() => false);
  }
}
