import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import { generateDevSecrets } from '../config/app-config';
import { ContentCipher } from '../platform/crypto/content-cipher';
import { startEmbeddedPostgres } from '../platform/database/embedded-postgres';
import { BackupKeys, openBackup } from './backup';
import { CommandError, loadCommandConfig, runCommand, runningEmbeddedServer } from './command-database';

const USAGE = `usage: npm run restore -- FILE [--force]
  Restores a backup made by \`npm run backup\` into the embedded database of DATA_DIR (a new one), or
  into the database of DATABASE_URL (which must be empty). Refuses a folder or database that holds
  anything unless --force is given, which replaces ChatFlow's data there.`;

/** What ChatFlow keeps in DATA_DIR: what --force replaces (anything else there is left alone). */
const OWN_ENTRIES = ['postgres', 'postgres-password', 'dev-secrets.json', 'restored-keys.env'];

/** `npm run restore`: a backup back into a fresh data folder or an empty database, with its keys. */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { force: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new CommandError(USAGE);
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0]);
  if (!existsSync(file)) throw new CommandError(`${file} does not exist`);
  // The keys come from the backup: nothing is generated into DATA_DIR by reading the configuration.
  const config = loadCommandConfig(() => generateDevSecrets());
  const backup = await openBackup(file);
  try {
    if (config.databaseUrl) {
      await emptyDatabase(config.databaseUrl, values.force);
      await backup.restoreInto(config.databaseUrl);
    } else {
      const dir = config.dataDir;
      if (runningEmbeddedServer(dir)) throw new CommandError(`ChatFlow's embedded PostgreSQL is running on ${dir}: stop ChatFlow first`);
      if (existsSync(dir) && readdirSync(dir).length) {
        if (!values.force) throw new CommandError(`${dir} is not empty: restore into a fresh DATA_DIR, or add --force to replace ChatFlow's data there`);
        for (const entry of OWN_ENTRIES) rmSync(join(dir, entry), { recursive: true, force: true });
      }
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      const embedded = await startEmbeddedPostgres({ dir, port: config.embeddedPostgresPort, database: 'chatflow' });
      try {
        await backup.restoreInto(embedded.url());
      } finally {
        await embedded.stop();
      }
    }
    const { manifest, keys } = backup;
    console.log(`restored ${manifest.tables.map((t) => `${t.rows} ${t.name}`).join(', ')} from ${file} (made ${manifest.created_at})`);
    if (keys) restoreKeys(config.dataDir, keys, !config.databaseUrl);
    const cipher = keys && keysCipher(keys);
    const unreadable = manifest.keys_needed.filter((k) => !cipher?.hasKey(k.keyId));
    if (unreadable.length) {
      console.warn(`rows need keys that are not in the backup: ${unreadable.map((k) => `${k.keyId} (${k.rows} rows)`).join(', ')}; configure them before starting`);
    }
    return 0;
  } finally {
    backup.close();
  }
}

/**
 * The embedded folder gets the keys as its dev-secrets.json (what `npm start` reads when the
 * environment sets no keys). Older keys, or a DATABASE_URL deployment, need the environment:
 * those go to restored-keys.env, for the operator to move into their secrets and delete.
 */
function restoreKeys(dataDir: string, keys: BackupKeys, embedded: boolean): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  if (embedded) {
    writeFileSync(join(dataDir, 'dev-secrets.json'), JSON.stringify({ secretKey: keys.SECRET_KEY, encryptionKey: keys.ENCRYPTION_KEY }, null, 2), {
      mode: 0o600,
    });
    console.log(`keys restored into ${join(dataDir, 'dev-secrets.json')} (used when SECRET_KEY and ENCRYPTION_KEY are not set)`);
  }
  if (!embedded || keys.ENCRYPTION_KEYS_PREVIOUS) {
    const file = join(dataDir, 'restored-keys.env');
    writeFileSync(file, Object.entries(keys).map(([name, value]) => `${name}=${value}\n`).join(''), { mode: 0o600 });
    console.warn(`the backup's keys are in ${file}: put them into the server's environment (or .env), then delete that file`);
  }
}

function keysCipher(keys: BackupKeys): ContentCipher {
  const key = (base64: string) => Buffer.from(base64, 'base64');
  return new ContentCipher({ current: key(keys.ENCRYPTION_KEY), previous: keys.ENCRYPTION_KEYS_PREVIOUS.split(',').filter(Boolean).map(key) });
}

/** A database to restore into must hold no tables, unless --force: then its public schema is dropped and made again. */
async function emptyDatabase(url: string, force: boolean): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`);
    if (Number(rows[0].n) === 0) return;
    if (!force) throw new CommandError('the database of DATABASE_URL is not empty: restore into an empty database, or add --force to replace its public schema');
    await client.query('DROP SCHEMA public CASCADE');
    await client.query('CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}

runCommand(main);
