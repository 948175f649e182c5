// `npm run dev`: the API in watch mode and the web client with hot reload (Vite, :3000).
import { spawn } from 'node:child_process';
import { ensureInstalled, ensureProtocolBuilt, ROOT } from './lib.mjs';

await ensureInstalled();
await ensureProtocolBuilt();
const children = [
  spawn('npm', ['run', 'dev', '-w', 'backend'], { cwd: ROOT, stdio: 'inherit' }),
  spawn('npm', ['run', 'dev', '-w', 'frontend'], { cwd: ROOT, stdio: 'inherit' }),
];
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => children.forEach((c) => c.kill(signal)));
for (const child of children) child.on('exit', () => children.forEach((c) => c.exitCode === null && c.kill('SIGTERM')));
