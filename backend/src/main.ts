import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app.factory';
import { AppConfig, ConfigError, loadConfig, REPO_ROOT } from './config/app-config';
import { persistentDevSecrets } from './config/dev-secrets';
import { startEmbeddedPostgres } from './database/embedded-postgres';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Bootstrap');
  const envFile = join(REPO_ROOT, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);

  let config: AppConfig;
  try {
    config = loadConfig(process.env, persistentDevSecrets);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`ChatFlow cannot start.\n${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    logger.log(`DATABASE_URL is not set: starting the embedded PostgreSQL (data in ${config.dataDir})`);
    const embedded = await startEmbeddedPostgres({
      dir: config.dataDir,
      port: config.embeddedPostgresPort,
      database: 'chatflow',
      log: (line) => logger.log(line),
    });
    databaseUrl = embedded.url();
  }

  const app = await createApp(config, { url: databaseUrl });
  app.enableShutdownHooks();
  await app.listen(config.port);
  logger.log(`ChatFlow API on http://localhost:${config.port} (docs: http://localhost:${config.port}/docs)`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
