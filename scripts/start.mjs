// `npm start`: install what is missing, build, and run ChatFlow. With DATABASE_URL unset
// the backend starts an embedded PostgreSQL whose data lives in .data/.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBackendBuilt, ensureInstalled, ROOT } from './lib.mjs';

await ensureInstalled();
await ensureBackendBuilt();

const api = spawn(process.execPath, [join(ROOT, 'backend', 'dist', 'main.js')], { cwd: ROOT, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => api.kill(signal));
api.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
