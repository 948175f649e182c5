import { Presets, SingleBar } from 'cli-progress';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig, REPO_ROOT } from '../config/app-config';
import { persistentDevSecrets } from '../config/dev-secrets';
import { dataSourceOptions } from '../database/data-source-options';
import { BlindIndex } from '../platform/crypto/blind-index';
import { ContentCipher } from '../platform/crypto/content-cipher';
import { startEmbeddedPostgres } from '../platform/database/embedded-postgres';
import { migrate } from '../platform/database/migrate';
import { Reindexer } from './reindexer';
import { SearchRepository } from './search.repository';

/**
 * `npm run reindex`: gives the search index every message that lacks it under the current
 * search key (stored before the index existed, or indexed under a key since replaced), with
 * the server's own configuration. Safe beside running servers, safe to stop (Ctrl-C ends
 * after the batch in flight; a second Ctrl-C at once) and to run again: it goes on where it
 * stopped. `--batch-size=N` (default 500). Exits 1 when some content could not be decrypted.
 */
async function main(): Promise<number> {
  const envFile = join(REPO_ROOT, '.env');
  if (existsSync(envFile)) process.loadEnvFile(envFile);
  const config = loadConfig(process.env, persistentDevSecrets);
  const batchArg = process.argv.find((a) => a.startsWith('--batch-size='));
  const batchSize = batchArg ? Number(batchArg.split('=')[1]) : 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new ConfigError(['--batch-size must be an integer from 1 to 100000']);

  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dir: config.dataDir, port: config.embeddedPostgresPort, database: 'chatflow' });
  const dataSource = await new DataSource(dataSourceOptions(config.databaseUrl ?? embedded!.url(), 2)).initialize();
  const stop = new AbortController();
  const interrupt = () => {
    if (stop.signal.aborted) process.exit(130);
    stop.abort();
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);
  const bar = new SingleBar({ format: 'indexing {bar} {percentage}% | {value}/{total} messages | {eta_formatted} left', hideCursor: true }, Presets.shades_classic);
  try {
    await migrate(dataSource);
    const reindexer = new Reindexer(new SearchRepository(dataSource.manager), new BlindIndex(config.searchKey), new ContentCipher(config.encryption));
    let started = false;
    const result = await reindexer.run({
      batchSize,
      signal: stop.signal,
      onProgress: (p) => {
        if (!started) bar.start(p.total, 0);
        started = true;
        bar.update(Math.min(p.indexed + p.failed, p.total));
      },
    });
    bar.stop();
    const summary = `${result.indexed} messages indexed${result.failed ? `, ${result.failed} could not be decrypted (is a key missing from ENCRYPTION_KEYS_PREVIOUS?)` : ''}`;
    console.log(result.complete ? `done: ${summary}` : `stopped: ${summary}; run again to go on`);
    if (!result.complete) return 130;
    return result.failed ? 1 : 0;
  } finally {
    bar.stop();
    await dataSource.destroy();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
