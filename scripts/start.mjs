// `npm start`: install what is missing, build, and run ChatFlow: the API on PORT (8000)
// and the web client on WEB_PORT (3000), which forwards API calls and WebSockets to it.
// With DATABASE_URL unset the API starts an embedded PostgreSQL whose data lives in .data/.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBackendBuilt, ensureFrontendBuilt, ensureInstalled, ROOT } from './lib.mjs';

await ensureInstalled();
await ensureBackendBuilt();
await ensureFrontendBuilt();

const apiPort = process.env.PORT || '8000';
const webPort = process.env.WEB_PORT || '3000';
const children = [
  spawn(process.execPath, ['--max-semi-space-size=64', join(ROOT, 'backend', 'dist', 'main.js')], { cwd: ROOT, stdio: 'inherit' }),
  spawn(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'preview', '--port', webPort, '--strictPort'], {
    cwd: join(ROOT, 'frontend'),
    stdio: 'inherit',
    env: { ...process.env, CHATFLOW_API_URL: `http://127.0.0.1:${apiPort}` },
  }),
];
console.log(`> ChatFlow: web client on http://localhost:${webPort}, API on http://localhost:${apiPort} (docs: /docs)`);

let exiting = false;
const stopAll = (signal) => {
  for (const child of children) if (child.exitCode === null) child.kill(signal);
};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => ((exiting = true), stopAll(signal)));
for (const child of children) {
  child.on('exit', (code) => {
    // One part stopping takes the other down with it.
    if (!exiting) {
      exiting = true;
      stopAll('SIGTERM');
    }
    if (children.every((c) => c.exitCode !== null || c.signalCode !== null)) process.exit(code ?? 0);
  });
}
