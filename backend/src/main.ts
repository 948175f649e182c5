import { Logger } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createApp } from './app.factory';
import { AppConfig, ConfigError, loadConfig, REPO_ROOT } from './config/app-config';
import { persistentDevSecrets } from './config/dev-secrets';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from './platform/database/embedded-postgres';
import { Lifecycle } from './platform/lifecycle';

const processLogger = new Logger('Process');

/**
 * Through the app's logger (JSON lines in production), not Node's default stderr dump. A
 * rejection nobody handled is logged and the process goes on; an exception nobody caught
 * leaves the process in an unknown state, so it exits after logging it (the orchestrator
 * restarts it; clients reconnect elsewhere meanwhile).
 */
process.on('unhandledRejection', (reason: unknown) => {
  processLogger.error(`unhandled promise rejection: ${describe(reason)}`);
});
process.on('uncaughtException', (error: Error) => {
  processLogger.fatal(`uncaught exception, exiting: ${describe(error)}`);
  process.exit(1);
});

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

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
  // Drain (new requests 503), close the application (finishing in-flight requests and
  // frames), then its database — all within SHUTDOWN_TIMEOUT_MS, or exit anyway.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: draining, then shutting down (within ${config.shutdownTimeoutMs} ms)`);
    setTimeout(() => {
      logger.error(`shutdown took longer than SHUTDOWN_TIMEOUT_MS (${config.shutdownTimeoutMs} ms): exiting now`);
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    app.get(Lifecycle).drain();
    try {
      await app.close();
      await embedded?.stop();
      process.exit(0);
    } catch (error) {
      logger.error(describe(error));
      process.exit(1);
    }
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown(signal));
  await app.listen(config.port);
  logger.log(`ChatFlow API on http://localhost:${config.port} (docs: http://localhost:${config.port}/docs)`);
}

bootstrap().catch((error: unknown) => {
  console.error(describe(error));
  process.exit(1);
});
