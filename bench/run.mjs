// `npm run bench` (from the repository root): installs and builds if needed, then runs the
// benchmark suite (bench/lib/main.mjs) and writes bench/RESULTS.md, results.json, results.svg.
// BENCH_QUICK=1 runs every part at small sizes in under a minute (for development).
// Node built-ins only until the install step has run.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBackendBuilt, ensureInstalled } from '../scripts/lib.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, '..');

if (process.platform !== 'linux') {
  console.error('bench: Linux only (it reads /proc for CPU accounting and runs the embedded PostgreSQL for linux-x64)');
  process.exit(1);
}
await ensureInstalled();
await ensureBackendBuilt();

let redisProblem;
if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
  redisProblem =
    'redis-server is not installed: the scale-out part needs it. Install Debian\'s package with ' +
    '`apt-get install -y redis-server` (as root) and run `npm run bench` again.';
  console.error(`bench: ${redisProblem}`);
}

const { main } = await import('./lib/main.mjs');
process.exitCode = await main({ root, benchDir, redisProblem });
