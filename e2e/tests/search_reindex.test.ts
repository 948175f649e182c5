import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../backend/src/database/data-source-options';
import { BlindIndex } from '../../backend/src/platform/crypto/blind-index';
import { ContentCipher } from '../../backend/src/platform/crypto/content-cipher';
import { Reindexer } from '../../backend/src/search/reindexer';
import { SearchRepository } from '../../backend/src/search/search.repository';
import { startApp, type TestApp } from '../support/app';
import { bodyOf, chatApi } from '../support/chat';
import { registerUser, type TestUser } from '../support/users';

const REINDEX_CLI = join(__dirname, '..', '..', 'backend', 'dist', 'search', 'reindex.js');
const key = () => randomBytes(32).toString('base64');

/**
 * `npm run reindex` (issue 15): messages stored before the index existed, or indexed under a
 * search key since replaced, get the current key's tokens — in batches, resumable. On a
 * database of its own, since it indexes every message there.
 */
describe('reindexing the search index', () => {
  const name = `chatflow_reindex_${randomBytes(4).toString('hex')}`;
  const url = new URL(process.env.E2E_ADMIN_DATABASE_URL!);
  url.pathname = `/${name}`;
  const encryptionKey = key();
  const searchKey = key();
  const secretKey = randomBytes(32).toString('base64url');
  let admin: Client;
  let t: TestApp;
  let dataSource: DataSource;
  let alice: TestUser;
  let conversationId: string;
  const word = `zq${randomBytes(4).toString('hex')}`;

  const app = (search: string) => startApp({ env: { DATABASE_URL: url.toString(), SECRET_KEY: secretKey, ENCRYPTION_KEY: encryptionKey, SEARCH_KEY: search } });
  const reindexer = (search: string) =>
    new Reindexer(
      new SearchRepository(dataSource.manager),
      new BlindIndex(Buffer.from(search, 'base64')),
      new ContentCipher({ current: Buffer.from(encryptionKey, 'base64'), previous: [] }),
    );
  /** SQL on this suite's database (TestApp.db is the shared one). */
  const query = (text: string, params: unknown[] = []): Promise<unknown> => dataSource.query(text, params);
  const hits = async (server: TestApp) =>
    bodyOf<{ results: unknown[] }>(await server.http().get('/search').query({ q: word, limit: 100 }).set('Authorization', alice.auth), 200).results
      .length;

  beforeAll(async () => {
    admin = new Client({ connectionString: process.env.E2E_ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    t = await app(searchKey);
    dataSource = await new DataSource(dataSourceOptions(url.toString(), 2)).initialize();
    alice = await registerUser(t);
    const bob = await registerUser(t);
    const api = chatApi(t.http);
    conversationId = bodyOf<{ id: string }>(await api.createDirect(alice, bob), 201).id;
    for (let i = 0; i < 25; i++) await api.sendOk(i % 2 ? alice : bob, conversationId, `${word} number ${i}`);
    const deleted = await api.sendOk(alice, conversationId, `${word} deleted`);
    bodyOf(await api.deleteMessage(alice, conversationId, deleted.id), 200);
    // As the rows were before the search index existed.
    await query(`UPDATE messages SET search_tokens = NULL, search_key_id = NULL`);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await t?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('indexes in batches, stops when asked after the batch in flight, and goes on where it stopped', async () => {
    expect(await hits(t)).toBe(0);
    const stop = new AbortController();
    const seen: number[] = [];
    const first = await reindexer(searchKey).run({
      batchSize: 10,
      signal: stop.signal,
      onProgress: (p) => {
        seen.push(p.indexed);
        if (p.indexed > 0) stop.abort();
      },
    });
    expect(first).toEqual({ total: 25, indexed: 10, failed: 0, complete: false });
    expect(seen).toEqual([0, 10]);
    expect(await hits(t)).toBe(10);

    const second = await reindexer(searchKey).run({ batchSize: 10 });
    expect(second).toEqual({ total: 15, indexed: 15, failed: 0, complete: true });
    expect(await hits(t)).toBe(25);
    expect(await reindexer(searchKey).run()).toEqual({ total: 0, indexed: 0, failed: 0, complete: true });

    const rows = await query(`SELECT count(*)::int AS n FROM messages WHERE content_ciphertext IS NULL AND search_tokens IS NOT NULL`);
    expect(rows).toEqual([{ n: 0 }]);
  });

  it('indexes again every message made under a replaced search key, and leaves content it cannot decrypt as it was', async () => {
    const unreadable = randomUUID();
    await query(
      `INSERT INTO messages (id, conversation_id, seq, event_seq, sender_id, content_ciphertext, content_key_id, created_at)
       SELECT $1, $2, last_seq + 1, last_event_seq + 1, $3, '\\x01'::bytea, 'ffffffffffffffff', now() FROM conversations WHERE id = $2`,
      [unreadable, conversationId, alice.id],
    );
    await query(`UPDATE conversations SET last_seq = last_seq + 1, last_event_seq = last_event_seq + 1 WHERE id = $1`, [conversationId]);
    const rotated = key();
    expect(await reindexer(rotated).run({ batchSize: 7 })).toEqual({ total: 26, indexed: 25, failed: 1, complete: true });
    // The server still on the old key finds nothing; one on the new key finds every message again.
    expect(await hits(t)).toBe(0);
    const next = await app(rotated);
    try {
      expect(await hits(next)).toBe(25);
    } finally {
      await next.close();
    }
    const rows = await query(`SELECT search_key_id FROM messages WHERE id = $1`, [unreadable]);
    expect(rows).toEqual([{ search_key_id: null }]);
    await query(`DELETE FROM messages WHERE id = $1`, [unreadable]);
  });

  it('runs as a command with the server configuration, printing what it did', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [REINDEX_CLI, '--batch-size=4'], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: url.toString(),
        SECRET_KEY: secretKey,
        ENCRYPTION_KEY: encryptionKey,
        SEARCH_KEY: searchKey,
      },
    });
    expect(stdout).toContain('done: 25 messages indexed');
    expect(await hits(t)).toBe(25);
  });
});
