import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../backend/src/platform/database/embedded-postgres';
import { freePort } from './net';

/**
 * One PostgreSQL server for the run and a fresh database on it: the embedded server by
 * default, or the server of DATABASE_URL when given (only a new database is created
 * there, and dropped afterwards).
 */
export default async function globalSetup(): Promise<void> {
  const database = `chatflow_e2e_${randomBytes(4).toString('hex')}`;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dir = mkdtempSync(join(tmpdir(), 'chatflow-e2e-'));
    // Run as root, PostgreSQL runs as the `postgres` user, which must reach the cluster folder.
    chmodSync(dir, 0o755);
    const embedded = await startEmbeddedPostgres({ dir, port: await freePort(), database: 'postgres', persistent: false });
    (globalThis as { __embeddedPostgres?: unknown }).__embeddedPostgres = embedded;
    serverUrl = embedded.url('postgres');
  }
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  process.env.E2E_DATABASE_URL = url.toString();
  process.env.E2E_ADMIN_DATABASE_URL = serverUrl;
  process.env.E2E_DATABASE_NAME = database;
}
