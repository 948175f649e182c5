// `npm run reencrypt`, `npm run backup`, `npm run restore`: build the backend if needed, then run
// its maintenance command (backend/src/maintenance/run-<name>.ts) with the arguments given after `--`.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBackendBuilt, ensureInstalled, ROOT } from './lib.mjs';

const [name, ...args] = process.argv.slice(2);
await ensureInstalled();
await ensureBackendBuilt();
const child = spawn(process.execPath, [join(ROOT, 'backend', 'dist', 'maintenance', `run-${name}.js`), ...args], { stdio: 'inherit' });
// Ctrl+C reaches the command too (same process group): wait for it to stop cleanly.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
