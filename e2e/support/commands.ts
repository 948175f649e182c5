import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the built backend's maintenance commands (`npm run reencrypt|backup|restore`,
 * backend/src/maintenance/run-<name>.ts) as its own process, with exactly the given environment
 * on top of PATH and HOME.
 */
export async function runMaintenance(name: 'reencrypt' | 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<CommandResult> {
  const child = spawn(process.execPath, [join(__dirname, '..', '..', 'backend', 'dist', 'maintenance', `run-${name}.js`), ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

/**
 * A database of its own on the run's PostgreSQL server, for suites whose commands act on every
 * row (the suites sharing the run's database would get in their way, and they in theirs).
 */
export async function privateDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `chatflow_private_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: process.env.E2E_ADMIN_DATABASE_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(process.env.E2E_ADMIN_DATABASE_URL!);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
