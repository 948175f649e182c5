import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { startApp } from '../support/app';
import { privateDatabase, runMaintenance } from '../support/commands';
import { freePort } from '../support/net';
import { spawnServer, waitForOutput } from '../support/server-process';

const READY = 'ChatFlow API on';

describe('npm run backup and npm run restore (the built commands)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'chatflow-backup-'));
    // Run as root, PostgreSQL runs as the `postgres` user, which must reach the data folders.
    chmodSync(root, 0o755);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('backs up a running embedded ChatFlow with its keys, restores it into a fresh data folder, and the restored server reads the messages', async () => {
    const source = { DATA_DIR: join(root, 'source'), PORT: String(await freePort()), EMBEDDED_POSTGRES_PORT: String(await freePort()) };
    const base = `http://127.0.0.1:${source.PORT}`;
    const call = (method: string, path: string, body?: unknown, token?: string, url = base) =>
      fetch(url + path, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    const server = spawnServer(source);
    await waitForOutput(server, READY);
    const file = join(root, 'chatflow.tar.gz');
    let token: string;
    let conversationId: string;
    let history: unknown;
    try {
      const password = 'a perfectly fine password';
      const [, bob] = await Promise.all(
        ['alice', 'bob'].map(async (name) => (await (await call('POST', '/auth/register', { username: name, email: `${name}@x.test`, password })).json()) as { id: string }),
      );
      token = ((await (await call('POST', '/auth/login', { username: 'alice', password })).json()) as { access_token: string }).access_token;
      conversationId = ((await (await call('POST', '/conversations', { participant_ids: [bob.id] }, token)).json()) as { id: string }).id;
      const sent: { id: string }[] = [];
      for (const content of ['first', 'kept in a backup 🙂', 'שלום'])
        sent.push((await (await call('POST', `/conversations/${conversationId}/messages`, { content }, token)).json()) as { id: string });
      expect((await call('PATCH', `/conversations/${conversationId}/messages/${sent[0].id}`, { content: 'first, edited' }, token)).status).toBe(200);
      expect((await call('PUT', `/conversations/${conversationId}/messages/${sent[1].id}/reactions/${encodeURIComponent('👍')}`, undefined, token)).status).toBe(200);
      history = await (await call('GET', `/conversations/${conversationId}/messages`, undefined, token)).json();

      // While the server runs: the command connects to its PostgreSQL instead of starting another.
      const backup = await runMaintenance('backup', [file], { DATA_DIR: source.DATA_DIR, EMBEDDED_POSTGRES_PORT: String(await freePort()) });
      expect(backup.stderr).toMatch(/WARNING: .* holds the encryption keys/);
      expect(backup.code).toBe(0);
      expect(backup.stdout).toMatch(/backed up .*\b2 users, .*\b3 messages, .*\b1 message_reactions\b/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect((await call('GET', '/health')).status).toBe(200);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
    expect(history).toEqual(expect.arrayContaining([expect.objectContaining({ content: 'first, edited' })]));

    const again = await runMaintenance('backup', [file], { DATA_DIR: source.DATA_DIR, EMBEDDED_POSTGRES_PORT: String(await freePort()) });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch('already exists');

    const target = { DATA_DIR: join(root, 'target'), PORT: String(await freePort()), EMBEDDED_POSTGRES_PORT: String(await freePort()) };
    const restore = await runMaintenance('restore', [file], target);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/restored .*\b2 users, .*\b3 messages\b/);
    expect(statSync(join(target.DATA_DIR, 'dev-secrets.json')).mode & 0o777).toBe(0o600);

    const refused = await runMaintenance('restore', [file], target);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(`${target.DATA_DIR} is not empty`);

    const restored = spawnServer(target);
    await waitForOutput(restored, READY);
    try {
      const url = `http://127.0.0.1:${target.PORT}`;
      // The token from before still works (the signing secret came back) and the history reads as it did.
      const read = await call('GET', `/conversations/${conversationId}/messages`, undefined, token, url);
      expect(read.status).toBe(200);
      expect(await read.json()).toEqual(history);
      expect((await call('POST', '/auth/login', { username: 'bob', password: 'a perfectly fine password' }, undefined, url)).status).toBe(200);
    } finally {
      expect(await restored.stop('SIGTERM')).toBe(0);
    }
  }, 120_000);

  it('restores into an empty DATABASE_URL database, refuses a non-empty one without --force, and hands the keys over in restored-keys.env', async () => {
    const source = { DATA_DIR: join(root, 'source-2'), EMBEDDED_POSTGRES_PORT: String(await freePort()), NODE_ENV: 'test' };
    // Seeded through the application on a database of its own, then backed up from it.
    const seedDb = await privateDatabase();
    const target = await privateDatabase();
    try {
      const keys = { SECRET_KEY: randomBytes(32).toString('base64url'), ENCRYPTION_KEY: randomBytes(32).toString('base64') };
      const app = await startApp({ env: { DATABASE_URL: seedDb.url, ...keys } });
      const alice = await app.http().post('/auth/register').send({ username: 'carol', email: 'carol@x.test', password: 'a perfectly fine password' });
      const bob = await app.http().post('/auth/register').send({ username: 'dave', email: 'dave@x.test', password: 'a perfectly fine password' });
      const token = (await app.http().post('/auth/login').send({ username: 'carol', password: 'a perfectly fine password' })).body.access_token as string;
      const conversation = await app.http().post('/conversations/').set('Authorization', `Bearer ${token}`).send({ participant_ids: [bob.body.id] });
      await app.http().post(`/conversations/${conversation.body.id}/messages`).set('Authorization', `Bearer ${token}`).send({ content: 'into another database' });
      const history = (await app.http().get(`/conversations/${conversation.body.id}/messages`).set('Authorization', `Bearer ${token}`)).body as unknown;
      await app.close();
      expect(alice.status).toBe(201);

      const file = join(root, 'url.tar.gz');
      expect((await runMaintenance('backup', [file], { ...source, DATABASE_URL: seedDb.url, ...keys })).code).toBe(0);

      const env = { ...source, DATA_DIR: join(root, 'keys-out'), DATABASE_URL: target.url };
      const restore = await runMaintenance('restore', [file], env);
      expect(restore.code).toBe(0);
      const keysFile = join(env.DATA_DIR, 'restored-keys.env');
      expect(restore.stderr).toMatch(`the backup's keys are in ${keysFile}`);
      expect(statSync(keysFile).mode & 0o777).toBe(0o600);
      expect(existsSync(join(env.DATA_DIR, 'dev-secrets.json'))).toBe(false);
      const restoredKeys = parseEnv(readFileSync(keysFile, 'utf8'));
      expect(restoredKeys).toEqual({ ...keys, ENCRYPTION_KEYS_PREVIOUS: '' });

      const refused = await runMaintenance('restore', [file], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch('the database of DATABASE_URL is not empty');
      expect((await runMaintenance('restore', [file, '--force'], env)).code).toBe(0);

      const restored = await startApp({ env: { DATABASE_URL: target.url, SECRET_KEY: restoredKeys.SECRET_KEY!, ENCRYPTION_KEY: restoredKeys.ENCRYPTION_KEY! } });
      try {
        const read = await restored.http().get(`/conversations/${conversation.body.id}/messages`).set('Authorization', `Bearer ${token}`);
        expect(read.status).toBe(200);
        expect(read.body).toEqual(history);
      } finally {
        await restored.close();
      }
    } finally {
      await seedDb.drop();
      await target.drop();
    }
  }, 90_000);
});
