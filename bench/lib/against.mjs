// A/B mode (`npm run bench -- --against <git-ref>`): the backend as it was at another commit,
// built from that commit's own files and lockfile, so both builds can be measured in one run.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { log } from './util.mjs';

/**
 * Builds `ref` once into node_modules/.cache/chatflow-bench/<commit> (kept for later runs of
 * the same commit): `git archive` of the commit, `npm ci`, then its protocol package (when it
 * has one) and its backend. Returns where its backend/dist/main.js is.
 */
export function buildAgainst(root, ref) {
  const git = (...args) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
  let commit;
  try {
    commit = git('rev-parse', '--verify', `${ref}^{commit}`);
  } catch {
    throw new Error(`--against ${ref}: not a commit of this repository`);
  }
  const dir = join(root, 'node_modules', '.cache', 'chatflow-bench', commit);
  const entry = join(dir, 'backend', 'dist', 'main.js');
  const label = `${git('rev-parse', '--short', commit)} (${ref})`;
  if (existsSync(entry)) {
    log(`against ${label}: reusing the build in ${dir}`);
    return { ref, commit, label, dir, entry };
  }
  log(`against ${label}: building in ${dir} (git archive, npm ci, build — a minute or two)`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('/bin/sh', ['-c', `git -C "$0" archive "$1" | tar -x -C "$2"`, root, commit, dir], { stdio: 'inherit' });
  const npm = (...args) => execFileSync('npm', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  try {
    npm('ci', '--no-audit', '--no-fund');
    if (existsSync(join(dir, 'packages', 'protocol', 'package.json'))) npm('run', 'build', '-w', 'packages/protocol');
    npm('run', 'build', '-w', 'backend');
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`--against ${ref}: its build failed (${error.message})\n${String(error.stderr ?? '').slice(-4000)}`);
  }
  return { ref, commit, label, dir, entry };
}
