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

/** Builds a workspace unless its output is newer than every one of its sources. */
async function ensureBuilt(workspace, output, sources) {
  const target = join(ROOT, workspace, output);
  const newest = Math.max(...sources.map((source) => newestMtime(join(ROOT, workspace, source))));
  if (existsSync(target) && statSync(target).mtimeMs >= newest) return;
  console.log(`> building ${workspace}`);
  await run('npm', ['run', 'build', '-w', workspace]);
}

/** The protocol package both sides import: its JavaScript and types come from a build. */
export const ensureProtocolBuilt = () =>
  ensureBuilt('packages/protocol', 'dist/cjs/index.js', ['src', 'package.json', 'tsconfig.json', 'tsconfig.cjs.json']);

const PROTOCOL_SOURCES = ['../packages/protocol/src', '../packages/protocol/package.json'];

export async function ensureBackendBuilt() {
  await ensureProtocolBuilt();
  await ensureBuilt('backend', 'dist/main.js', ['src', 'package.json', 'tsconfig.json', ...PROTOCOL_SOURCES]);
}

export async function ensureFrontendBuilt() {
  await ensureProtocolBuilt();
  await ensureBuilt('frontend', 'dist/index.html', ['src', 'index.html', 'package.json', 'vite.config.ts', 'tsconfig.json', ...PROTOCOL_SOURCES]);
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

/**
 * The pinned Node.js 24 of tools/node24 (the registry's `node` package, whose install script
 * fetches the platform binary, also from the registry): `npm ci` there when it is missing or
 * its lockfile changed. A folder of its own, not a workspace: a `node` package in the root
 * node_modules/.bin would shadow the machine's node in every npm script. Returns the binary.
 */
export async function ensureNode24() {
  const dir = join(ROOT, 'tools', 'node24');
  const binary = join(dir, 'node_modules', 'node', 'bin', 'node');
  const marker = join(dir, 'node_modules', '.package-lock.json');
  const fresh = existsSync(binary) && existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(dir, 'package-lock.json')).mtimeMs;
  if (!fresh) {
    console.log('> installing Node.js 24 for the second test run (npm ci in tools/node24)');
    await run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: dir });
  }
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (!version?.startsWith('v24.')) throw new Error(`tools/node24: ${binary} is not a Node.js 24 (${version || 'it does not run'})`);
  return { binary, version };
}
