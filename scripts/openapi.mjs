// `npm run openapi`: refreshes the web client's OpenAPI snapshot (frontend/src/api/openapi.json)
// and the types generated from it, from the server as built now — on a throwaway embedded
// PostgreSQL, so nothing else needs to run. The `openapi` e2e suite fails until this is done
// after a change to the API.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensureBackendBuilt, ensureInstalled, ROOT, run } from './lib.mjs';

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

await ensureInstalled();
await ensureBackendBuilt();
const dir = mkdtempSync(join(tmpdir(), 'chatflow-openapi-'));
chmodSync(dir, 0o755); // PostgreSQL runs as the `postgres` user when we are root
const { startEmbeddedPostgres } = createRequire(join(ROOT, 'backend', 'package.json'))('./dist/platform/database/embedded-postgres.js');
const postgres = await startEmbeddedPostgres({ dir, port: await freePort(), database: 'chatflow', persistent: false });
const port = await freePort();
const server = spawn(process.execPath, [join(ROOT, 'backend', 'dist', 'main.js')], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATABASE_URL: postgres.url(),
    SECRET_KEY: randomBytes(48).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  },
});
try {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline || server.exitCode !== null) throw new Error('the server did not start');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await run('node', ['frontend/scripts/dump-openapi.mjs', `http://127.0.0.1:${port}/docs-json`]);
  await run('npm', ['run', '--silent', 'generate:api', '-w', 'frontend']);
} finally {
  server.kill('SIGTERM');
  await once(server, 'exit');
  await postgres.stop();
  rmSync(dir, { recursive: true, force: true });
}
