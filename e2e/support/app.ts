import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { createApp } from '../../backend/src/app.factory';
import { loadConfig } from '../../backend/src/config/app-config';

/**
 * Limits per client address that every test request (all from 127.0.0.1) would reach: raised
 * for the test servers, except where a suite sets one to test it.
 */
export const ROOMY_LIMITS = {
  LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '100000',
  REGISTRATIONS_PER_ADDRESS: '100000',
  USER_SEARCHES_PER_MINUTE_PER_USER: '100000',
  USER_SEARCHES_PER_MINUTE_PER_ADDRESS: '100000',
  MESSAGE_SEARCHES_PER_MINUTE_PER_USER: '100000',
  MESSAGES_PER_MINUTE_PER_USER: '1000000',
  WS_MAX_CONNECTIONS_PER_USER: '100000',
  ATTACHMENT_UPLOADS_PER_HOUR_PER_USER: '100000',
};

export interface TestApp {
  app: NestExpressApplication;
  /** supertest bound to the running server. */
  http: () => ReturnType<typeof request>;
  baseUrl: string;
  /** Direct access to the test database, for reading raw rows. */
  db: Pool;
  close: () => Promise<void>;
}

export interface StartOptions {
  /** Environment overrides, as a deployment would set them. */
  env?: Record<string, string>;
  /** Sees every SQL statement the app runs. */
  queryLogger?: TypeOrmLogger;
}

/** The real application, listening on a free loopback port, on the run's test database. */
export async function startApp(options: StartOptions = {}): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    DATABASE_URL: process.env.E2E_DATABASE_URL,
    ...ROOMY_LIMITS,
    ...options.env,
  });
  const app = await createApp(config, { url: config.databaseUrl!, poolSize: 5, logger: options.queryLogger });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer();
  const { port } = server.address() as { port: number };
  const db = new Pool({ connectionString: process.env.E2E_DATABASE_URL, max: 2 });
  return {
    app,
    http: () => request(server),
    baseUrl: `http://127.0.0.1:${port}`,
    db,
    close: async () => {
      await db.end();
      await app.close();
    },
  };
}
