import type { EntityManager } from 'typeorm';

/**
 * Runs raw SQL and returns its rows, whatever the statement (TypeORM's plain `query`
 * returns `[rows, count]` for UPDATE … RETURNING). Inside a transaction, pass its manager.
 */
export async function sql<T>(manager: EntityManager, text: string, params: unknown[] = []): Promise<T[]> {
  if (manager.queryRunner) return (await manager.queryRunner.query(text, params, true)).records as T[];
  const runner = manager.connection.createQueryRunner();
  try {
    return (await runner.query(text, params, true)).records as T[];
  } finally {
    await runner.release();
  }
}
