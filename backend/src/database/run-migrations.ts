import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig, REPO_ROOT } from '../config/app-config';
import { persistentDevSecrets } from '../config/dev-secrets';
import { dataSourceOptions } from './data-source-options';
import { startEmbeddedPostgres } from '../platform/database/embedded-postgres';
import { migrate } from '../platform/database/migrate';

/** `npm run migration:run`: applies pending migrations to DATABASE_URL, or to the embedded database. */
async function main(): Promise<void> {
  const envFile = join(REPO_ROOT, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = loadConfig(process.env, persistentDevSecrets);
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dir: config.dataDir, port: config.embeddedPostgresPort, database: 'chatflow' });
  const dataSource = await new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url(), 2)).initialize();
  try {
    const applied = await migrate(dataSource);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'the schema is up to date');
  } finally {
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
