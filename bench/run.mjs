// `npm run bench` (from the repository root): installs and builds if needed, then runs the
// benchmark suite (bench/lib/main.mjs) and writes bench/RESULTS.md, results.json, results.svg.
// BENCH_QUICK=1 runs every part at small sizes in under a minute (for development).
// `npm run bench -- --against <git-ref>` (A/B mode) runs the message throughput part on this
// build and on that commit's, interleaved, and writes bench/AB-RESULTS.md instead.
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
const args = process.argv.slice(2);
const againstAt = args.indexOf('--against');
const againstRef = againstAt >= 0 ? args[againstAt + 1] : undefined;
if (againstAt >= 0 && !againstRef) {
  console.error('bench: --against needs a git ref (a commit, branch or tag), e.g. `npm run bench -- --against HEAD~1`');
  process.exit(2);
}

await ensureInstalled();
await ensureBackendBuilt();
const { buildAgainst } = await import('./lib/against.mjs');
const against = againstRef ? buildAgainst(root, againstRef) : undefined;

let redisProblem;
if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
  redisProblem =
    'redis-server is not installed: the scale-out part needs it. Install Debian\'s package with ' +
    '`apt-get install -y redis-server` (as root) and run `npm run bench` again.';
  console.error(`bench: ${redisProblem}`);
}

const { main } = await import('./lib/main.mjs');
process.exitCode = await main({ root, benchDir, redisProblem, against });
