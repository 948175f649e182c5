import { Client } from 'pg';
import type { EmbeddedPostgresHandle } from '../../backend/src/platform/database/embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const embedded = (globalThis as { __embeddedPostgres?: EmbeddedPostgresHandle }).__embeddedPostgres;
  if (embedded) {
    await embedded.stop();
    return;
  }
  const admin = new Client({ connectionString: process.env.E2E_ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${process.env.E2E_DATABASE_NAME} WITH (FORCE)`);
  await admin.end();
}
