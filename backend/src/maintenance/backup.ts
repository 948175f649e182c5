import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { create as createTar, extract as extractTar } from 'tar';
import { DataSource } from 'typeorm';
import type { EncryptionKeys } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { MIGRATIONS } from '../database/migrations';
import { migrate } from '../platform/database/migrate';
import { CommandError } from './command-database';
import { KeyUsage, rowsPerKey } from './reencrypt';

const FORMAT = 'chatflow-backup';
const FORMAT_VERSION = 1;

export interface BackupManifest {
  format: typeof FORMAT;
  version: number;
  created_at: string;
  /** Migrations the database had, oldest first: a restore rebuilds that schema, loads the rows, then migrates on. */
  migrations: string[];
  /** Parents before children (foreign keys), so the rows load in this order. */
  tables: { name: string; columns: string[]; rows: number }[];
  /** Which keys the encrypted rows need. */
  keys_needed: KeyUsage[];
  keys_included: boolean;
}

/** The secrets a restored ChatFlow needs, in the form of the environment variables (base64 as configured). */
export interface BackupKeys {
  SECRET_KEY: string;
  ENCRYPTION_KEY: string;
  ENCRYPTION_KEYS_PREVIOUS: string;
}

export function keysOf(secretKey: string, encryption: EncryptionKeys): BackupKeys {
  return {
    SECRET_KEY: secretKey,
    ENCRYPTION_KEY: encryption.current.toString('base64'),
    ENCRYPTION_KEYS_PREVIOUS: encryption.previous.map((k) => k.toString('base64')).join(','),
  };
}

/**
 * Writes one gzipped tar (mode 0600): manifest.json, keys.json (unless `keys` is undefined) and every
 * table's rows in COPY text format, all read in one REPEATABLE READ snapshot, so a backup of a
 * running server is consistent. A logical copy, not pg_dump: the embedded PostgreSQL ships no
 * pg_dump, and the schema is the migrations' anyway.
 */
export async function createBackup(url: string, file: string, keys: BackupKeys | undefined): Promise<BackupManifest> {
  const work = mkdtempSync(join(tmpdir(), 'chatflow-backup-'));
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const migrations = (await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id')).rows.map((r) => r.name);
    const tables: BackupManifest['tables'] = [];
    for (const name of await tablesInLoadOrder(client)) {
      const columns = await columnsOf(client, name);
      const copy = client.query(copyTo(`COPY ${ident(name)} (${columns.map(ident).join(', ')}) TO STDOUT`));
      await pipeline(copy, createWriteStream(join(work, `${name}.copy`), { mode: 0o600 }));
      tables.push({ name, columns, rows: copy.rowCount });
    }
    const manifest: BackupManifest = {
      format: FORMAT,
      version: FORMAT_VERSION,
      created_at: new Date().toISOString(),
      migrations,
      tables,
      keys_needed: await rowsPerKey(client),
      keys_included: keys !== undefined,
    };
    await client.query('COMMIT');

    writeFileSync(join(work, 'manifest.json'), JSON.stringify(manifest, null, 2), { mode: 0o600 });
    if (keys) writeFileSync(join(work, 'keys.json'), JSON.stringify(keys, null, 2), { mode: 0o600 });
    const entries = ['manifest.json', ...(keys ? ['keys.json'] : []), ...tables.map((t) => `${t.name}.copy`)];
    // 'wx': never overwrite an older backup; 0600 from the first byte, since it may hold the keys.
    await pipeline(createTar({ gzip: true, cwd: work, portable: true }, entries), createWriteStream(file, { mode: 0o600, flags: 'wx' }));
    return manifest;
  } finally {
    await client.end();
    rmSync(work, { recursive: true, force: true });
  }
}

export interface OpenedBackup {
  manifest: BackupManifest;
  keys?: BackupKeys;
  /** Loads the rows into an empty database at `url`: the backup's schema, its rows, then the newer migrations. */
  restoreInto(url: string): Promise<void>;
  close(): void;
}

export async function openBackup(file: string): Promise<OpenedBackup> {
  const work = mkdtempSync(join(tmpdir(), 'chatflow-restore-'));
  try {
    await extractTar({ file, cwd: work });
    const manifest = JSON.parse(readFileSync(join(work, 'manifest.json'), 'utf8')) as BackupManifest;
    if (manifest.format !== FORMAT || manifest.version !== FORMAT_VERSION) throw new CommandError(`${file} is not a ChatFlow backup (format ${FORMAT} ${FORMAT_VERSION})`);
    const known = MIGRATIONS.map((M) => new M().name);
    if (manifest.migrations.some((name, i) => known[i] !== name)) {
      throw new CommandError(`${file} was made by another version of ChatFlow (its migrations: ${manifest.migrations.join(', ')}); restore it with that version`);
    }
    const keys = manifest.keys_included ? (JSON.parse(readFileSync(join(work, 'keys.json'), 'utf8')) as BackupKeys) : undefined;
    return {
      manifest,
      keys,
      restoreInto: async (url) => {
        await migrateTo(url, manifest.migrations.length);
        await loadRows(url, work, manifest);
        await migrateTo(url, MIGRATIONS.length);
      },
      close: () => rmSync(work, { recursive: true, force: true }),
    };
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    if (error instanceof CommandError) throw error;
    throw new CommandError(`cannot read the backup ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function migrateTo(url: string, count: number): Promise<void> {
  const dataSource = await new DataSource({ ...dataSourceOptions(url, 1), migrations: MIGRATIONS.slice(0, count), logging: false }).initialize();
  try {
    await migrate(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

/** Every table's rows in one transaction: a failed restore leaves no half-loaded database behind. */
async function loadRows(url: string, work: string, manifest: BackupManifest): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    for (const table of manifest.tables) {
      const copy = client.query(copyFrom(`COPY ${ident(table.name)} (${table.columns.map(ident).join(', ')}) FROM STDIN`));
      await pipeline(createReadStream(join(work, `${table.name}.copy`)), copy);
      if (copy.rowCount !== table.rows) throw new CommandError(`${table.name}: loaded ${copy.rowCount} rows, the backup lists ${table.rows}`);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/** ChatFlow's tables (TypeORM's own `migrations` table aside), each after the tables its foreign keys point at. */
async function tablesInLoadOrder(client: Client): Promise<string[]> {
  const tables = (
    await client.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations' ORDER BY 1`)
  ).rows.map((r) => r.name);
  const { rows: edges } = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_class p ON p.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE k.contype = 'f' AND n.nspname = 'public' AND c.relname <> p.relname`,
  );
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table)) return;
    if (visiting.has(table)) throw new Error(`foreign keys form a cycle through ${table}`);
    visiting.add(table);
    for (const edge of edges) if (edge.child === table) visit(edge.parent);
    visiting.delete(table);
    ordered.push(table);
  };
  tables.forEach(visit);
  return ordered;
}

async function columnsOf(client: Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = ''
      ORDER BY attnum`,
    [ident(table)],
  );
  return rows.map((r) => r.name);
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
