import { SingleBar } from 'cli-progress';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { ContentCipher } from '../platform/crypto/content-cipher';
import { CommandError, loadCommandConfig, openCommandDatabase, runCommand } from './command-database';
import { MissingKeysError, reencrypt, rowsPerKey } from './reencrypt';

const USAGE = `usage: npm run reencrypt -- [--check] [--batch-size N] [--max-batches N]
  Re-encrypts every message sealed with a key other than ENCRYPTION_KEY (older keys must be in
  ENCRYPTION_KEYS_PREVIOUS). Safe to interrupt and run again.
  --check          only count the rows per key id
  --batch-size N   rows per transaction (1-10000, default 500)
  --max-batches N  stop after N batches (a later run carries on)`;

/** `npm run reencrypt`: moves every encrypted row onto the current key, so older keys can be retired. */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      check: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '500' },
      'max-batches': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const batchSize = positiveInt('--batch-size', values['batch-size'], 10_000);
  const maxBatches = values['max-batches'] === undefined ? undefined : positiveInt('--max-batches', values['max-batches'], Number.MAX_SAFE_INTEGER);

  const config = loadCommandConfig();
  const cipher = new ContentCipher(config.encryption);
  const database = await openCommandDatabase(config);
  const db = new Pool({ connectionString: database.url, max: 2 });
  try {
    if (values.check) {
      const usage = await rowsPerKey(db);
      if (!usage.length) console.log('no encrypted rows');
      for (const { keyId, rows } of usage) {
        const role = keyId === cipher.currentKeyId ? 'current' : cipher.hasKey(keyId) ? 'previous' : 'NOT CONFIGURED';
        console.log(`${keyId}  ${String(rows).padStart(10)} rows  (${role})`);
      }
      return 0;
    }

    const bar = new SingleBar({
      format: 're-encrypting |{bar}| {value}/{total} rows | {percentage}% | eta {eta_formatted}',
      hideCursor: true,
    });
    let interrupted = false;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => (interrupted = true));
    const summary = await reencrypt(db, cipher, {
      batchSize,
      maxBatches,
      stopRequested: () => interrupted,
      onStart: (stale) => bar.start(stale, 0),
      onBatch: (rows) => bar.increment(rows),
    }).catch((error: unknown) => {
      throw error instanceof MissingKeysError ? new CommandError(error.message) : error;
    });
    bar.stop();

    console.log(
      `re-encrypted ${summary.reencrypted} of ${summary.stale} rows on older keys in ${summary.batches} batches of up to ${batchSize}; ` +
        `${summary.remaining} rows left on older keys`,
    );
    if (summary.unreadable.length) {
      console.error(
        `${summary.unreadable.length} rows would not decrypt with their key (tampered or corrupt) and were left as they are: ` +
          summary.unreadable.join(', '),
      );
      return 1;
    }
    if (summary.remaining === 0) {
      console.log(`every row is on the current key ${cipher.currentKeyId}: older keys can now leave ENCRYPTION_KEYS_PREVIOUS`);
    } else {
      console.log('run it again to carry on');
    }
    return 0;
  } finally {
    await db.end();
    await database.close();
  }
}

function positiveInt(name: string, raw: string, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new CommandError(`${name} must be an integer from 1 to ${max} (got "${raw}")\n${USAGE}`);
  return value;
}

runCommand(main);
