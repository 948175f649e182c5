import { chmodSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackup, keysOf } from './backup';
import { CommandError, loadCommandConfig, openCommandDatabase, runCommand } from './command-database';

const USAGE = `usage: npm run backup -- [FILE] [--without-keys]
  Writes ChatFlow's database (DATABASE_URL, or the embedded one in DATA_DIR, running or not) and
  its keys (SECRET_KEY, ENCRYPTION_KEY, ENCRYPTION_KEYS_PREVIOUS, wherever they come from) into
  one file, mode 0600. Default FILE: chatflow-backup-<date>.tar.gz in the current folder.
  --without-keys   leave the keys out (you keep them elsewhere; without them the messages cannot be read)`;

/** `npm run backup`: one file holding the database's rows and the keys that read them. */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { 'without-keys': { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new CommandError(USAGE);
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const file = resolve(process.env.INIT_CWD ?? process.cwd(), positionals[0] ?? `chatflow-backup-${stamp}.tar.gz`);

  const config = loadCommandConfig();
  const database = await openCommandDatabase(config);
  try {
    const keys = values['without-keys'] ? undefined : keysOf(config.secretKey, config.encryption);
    const manifest = await createBackup(database.url, file, keys).catch((error: unknown) => {
      throw (error as NodeJS.ErrnoException).code === 'EEXIST' ? new CommandError(`${file} already exists: choose another name`) : error;
    });
    chmodSync(file, 0o600);
    console.log(`backed up ${manifest.tables.map((t) => `${t.rows} ${t.name}`).join(', ')} to ${file}`);
    if (keys) {
      console.warn(
        `WARNING: ${file} holds the encryption keys and the token-signing secret: whoever has it can read every message ` +
          'and sign in as anyone. Keep it like a key (it is mode 0600; encrypt it before it leaves this machine).',
      );
    } else {
      console.warn(`the keys are not in it: to restore, you need the keys with ids ${manifest.keys_needed.map((k) => k.keyId).join(', ') || '(none)'}`);
    }
    return 0;
  } finally {
    await database.close();
  }
}

runCommand(main);
