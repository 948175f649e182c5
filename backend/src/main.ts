import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app.factory';
import { AppConfig, ConfigError, loadConfig, REPO_ROOT } from './config/app-config';
import { persistentDevSecrets } from './config/dev-secrets';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './platform/database/embedded-postgres';

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
  let embedded: EmbeddedPostgresHandle | undefined;
  if (!databaseUrl) {
    logger.log(`DATABASE_URL is not set: starting the embedded PostgreSQL (data in ${config.dataDir})`);
    embedded = await startEmbeddedPostgres({
      dir: config.dataDir,
      port: config.embeddedPostgresPort,
      database: 'chatflow',
      log: (line) => logger.log(line),
    });
    databaseUrl = embedded.url();
  }

  const app = await createApp(config, { url: databaseUrl });
  // Close the application (finishing in-flight requests) before its database goes away.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: shutting down`);
    try {
      await app.close();
      await embedded?.stop();
      process.exit(0);
    } catch (error) {
      logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));
  await app.listen(config.port);
  logger.log(`ChatFlow API on http://localhost:${config.port} (docs: http://localhost:${config.port}/docs)`);
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
