import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, ConfigError, DevSecrets, loadConfig, REPO_ROOT } from '../config/app-config';
import { persistentDevSecrets } from '../config/dev-secrets';
import { startEmbeddedPostgres } from '../platform/database/embedded-postgres';

/** The server's own configuration, as `npm run start:api` reads it: the environment, then `<repo>/.env`. */
export function loadCommandConfig(devSecrets: (dataDir: string) => DevSecrets = persistentDevSecrets): AppConfig {
  const envFile = join(REPO_ROOT, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  return loadConfig(process.env, devSecrets);
}

export interface CommandDatabase {
  url: string;
  close(): Promise<void>;
}

/**
 * The database a maintenance command works on: DATABASE_URL, or the embedded cluster in DATA_DIR.
 * When ChatFlow is running on that cluster (its postmaster is alive) the command connects to it
 * rather than starting a second server, which would stop the first.
 */
export async function openCommandDatabase(config: AppConfig): Promise<CommandDatabase> {
  if (config.databaseUrl) return { url: config.databaseUrl, close: async () => undefined };
  const running = runningEmbeddedServer(config.dataDir);
  if (running) {
    return { url: embeddedUrl(config.dataDir, running.port), close: async () => undefined };
  }
  const embedded = await startEmbeddedPostgres({ dir: config.dataDir, port: config.embeddedPostgresPort, database: 'chatflow' });
  return { url: embedded.url(), close: () => embedded.stop() };
}

/** The embedded PostgreSQL serving `dataDir`, if one is alive (postmaster.pid: pid on line 1, port on line 4). */
export function runningEmbeddedServer(dataDir: string): { pid: number; port: number } | undefined {
  const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined;
  }
  return { pid, port };
}

function embeddedUrl(dataDir: string, port: number): string {
  const password = readFileSync(join(dataDir, 'postgres-password'), 'utf8').trim();
  return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/chatflow`;
}

/** A problem the operator can fix, told in one sentence (no stack trace). */
export class CommandError extends Error {
  override name = 'CommandError';
}

/** Runs a command's main function and exits with its code, or with 1 and the reason it failed. */
export function runCommand(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof CommandError || error instanceof ConfigError ? error.message : error);
      process.exit(1);
    },
  );
}
