import { Logger } from '@nestjs/common';

/** A burst of failures ends after this long without one. */
const QUIET_MS = 10_000;

/**
 * One warning per burst of failures of a dependency rather than one (with its stack) per
 * failed query or request: a PostgreSQL restart under load is a few lines in the log, not
 * hundreds of stack traces. The first failure of a burst is logged, with how many the
 * previous burst had past its first.
 */
export class OutageLog {
  private lastFailure = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly dependency: string,
    private readonly quietMs = QUIET_MS,
  ) {}

  failed(error: unknown, now = Date.now()): void {
    const inBurst = now - this.lastFailure < this.quietMs;
    this.lastFailure = now;
    if (inBurst) {
      this.suppressed++;
      return;
    }
    const previous = this.suppressed ? ` (the previous outage failed ${this.suppressed} more times)` : '';
    this.suppressed = 0;
    this.logger.warn(`${this.dependency} unavailable: ${describe(error)}; requests get 503 until it answers again${previous}`);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

/** PostgreSQL's outages, as every part of the app reports them. */
export const databaseOutage = new OutageLog(new Logger('Database'), 'PostgreSQL');
