import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { databaseOutage } from '../logging/outage-log';
import { isDatabaseUnavailable } from './unavailable';

/**
 * TypeORM's own output through the app's logger (JSON lines in production), never the
 * console. Failed statements are not logged here: their parameters may hold secrets, and the
 * exception filter logs the failure itself — except a database that cannot answer, which
 * counts towards the outage's one warning.
 */
export class NestTypeOrmLogger implements TypeOrmLogger {
  private readonly logger = new Logger('TypeORM');

  logQuery(): void {}

  logQueryError(error: string | Error): void {
    if (isDatabaseUnavailable(error)) databaseOutage.failed(error);
  }

  logQuerySlow(time: number, query: string): void {
    this.logger.warn(`slow query (${time} ms): ${query}`);
  }

  logSchemaBuild(message: string): void {
    this.logger.debug(message);
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn(String(message));
    else this.logger.log(String(message));
  }
}
