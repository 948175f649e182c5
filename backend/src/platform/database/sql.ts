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

/**
 * Same, as a named prepared statement: each pooled connection parses and plans it once,
 * then only executes it — for the statements every message or page runs. `name` is unique
 * per text. (`pg` accepts a query config where TypeORM passes the text through; loggers
 * see the text through `toString`.)
 */
export function prepared<T>(manager: EntityManager, name: string, text: string, params: unknown[] = []): Promise<T[]> {
  const statement = { name, text, toString: () => text };
  return sql<T>(manager, statement as unknown as string, params);
}

/**
 * An integer array as a PostgreSQL array literal (`{1,2,3}`), for a text[] parameter whose
 * elements are arrays of different lengths — which unnest can zip, and `::int[]` reads back.
 */
export function intArrayLiteral(values: number[]): string {
  return `{${values.join(',')}}`;
}
