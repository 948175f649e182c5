// Helpers for the root scripts. Node built-ins only: these run before `npm ci`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Runs a command in the repository root, inheriting the terminal; rejects on a non-zero exit. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** `npm ci` on a fresh clone, or when the lockfile changed since the last install. */
export async function ensureInstalled() {
  const marker = join(ROOT, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(ROOT, 'package-lock.json')).mtimeMs) return;
  console.log('> installing dependencies (npm ci)');
  await run('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Builds the backend unless its output is newer than every source file. */
export async function ensureBackendBuilt() {
  const output = join(ROOT, 'backend', 'dist', 'main.js');
  const sources = Math.max(newestMtime(join(ROOT, 'backend', 'src')), newestMtime(join(ROOT, 'backend', 'package.json')));
  if (existsSync(output) && statSync(output).mtimeMs >= sources) return;
  console.log('> building the backend');
  await run('npm', ['run', 'build', '-w', 'backend']);
}

/** Debian packages the test suites run for real (Redis for the multi-instance suite); installed with apt when missing. */
export async function ensureSystemPackages(commands) {
  const missing = Object.entries(commands).filter(([command]) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
  if (!missing.length) return;
  const packages = missing.map(([, pkg]) => pkg);
  if (process.getuid?.() !== 0) {
    throw new Error(`missing ${missing.map(([c]) => c).join(', ')}: install the Debian packages ${packages.join(' ')} (apt-get install -y ${packages.join(' ')})`);
  }
  console.log(`> installing ${packages.join(' ')} (apt-get)`);
  await run('apt-get', ['update']);
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
