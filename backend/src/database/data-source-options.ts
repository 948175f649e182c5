import type { DataSourceOptions } from 'typeorm';
import { NestTypeOrmLogger } from '../platform/database/typeorm-logger';
import { databaseOutage } from '../platform/logging/outage-log';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseTimeouts {
  /** Opening a connection, or waiting for a free one in the pool (pg's connectionTimeoutMillis). */
  connectTimeoutMs?: number;
  /** PostgreSQL's statement_timeout for every connection of the pool; 0 or unset: none. */
  statementTimeoutMs?: number;
}

export function dataSourceOptions(url: string, poolSize = 20, timeouts: DatabaseTimeouts = {}): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    // The schema only ever changes through migrations.
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    extra: {
      max: poolSize,
      // A hung or unreachable database fails the request (503) instead of stalling every
      // socket's frame queue behind it; keep-alive notices a peer that vanished.
      ...(timeouts.connectTimeoutMs ? { connectionTimeoutMillis: timeouts.connectTimeoutMs } : {}),
      ...(timeouts.statementTimeoutMs ? { statement_timeout: timeouts.statementTimeoutMs } : {}),
      keepAlive: true,
    },
    // An idle connection dropped by a restarting server: one warning per outage, not one per connection.
    poolErrorHandler: (error: unknown) => databaseOutage.failed(error),
    logger: new NestTypeOrmLogger(),
  };
}
