import { ServiceUnavailableException } from '@nestjs/common';

/** 503 with Retry-After: more password hashes are waiting than the queue holds. */
export class HashingBusyException extends ServiceUnavailableException {
  readonly retryAfterSeconds = 1;

  constructor() {
    super('Too many logins at once; try again in a moment');
  }
}

/**
 * Runs at most `concurrency` hashes at once; up to `queueLimit` more wait their turn, in
 * order, and past that a hash is refused at once (HashingBusyException) rather than queued
 * behind a backlog the client will have given up on. argon2 runs on libuv's thread pool, so
 * without this bound a burst of logins takes every core from the event loop and PostgreSQL.
 */
export class HashingQueue {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly queueLimit: number,
  ) {}

  /** Hashes running and waiting now (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) {
      this.running++;
    } else {
      if (this.waiting.length >= this.queueLimit) throw new HashingBusyException();
      // The finishing task hands its slot straight to the next: `running` stays as it is.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
