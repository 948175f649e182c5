import { DataSource, MigrationExecutor } from 'typeorm';

/** Arbitrary constant naming ChatFlow's migration lock among PostgreSQL advisory locks. */
const MIGRATION_LOCK_ID = 716_274_001;

/**
 * Runs pending migrations while holding an advisory lock, so several instances starting
 * at once apply each migration exactly once. Lock and migrations share one connection,
 * so this works with a pool of one.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    // A migration (or waiting for another instance's) may take longer than any request may:
    // the pool's statement_timeout does not apply here. RESET gives the connection back as it came.
    await runner.query('SET statement_timeout = 0');
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const applied = await executor.executePendingMigrations();
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await runner.query('RESET statement_timeout').catch(() => undefined);
    await runner.release();
  }
}
