import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/net';
import { exitCode, spawnServer, waitForOutput } from '../support/server-process';

const READY = 'ChatFlow API on';

describe('starting the built server', () => {
  it('refuses to start in production with a weak SECRET_KEY, saying why', async () => {
    const server = spawnServer({
      NODE_ENV: 'production',
      SECRET_KEY: 'changeme',
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      DATABASE_URL: 'postgresql://127.0.0.1:1/none',
      DATA_DIR: tmpdir(),
    });
    expect(await exitCode(server)).toBe(1);
    expect(server.output()).toMatch(/SECRET_KEY must be at least 32 characters/);
  });

  it('refuses to start in production without an ENCRYPTION_KEY', async () => {
    const server = spawnServer({
      NODE_ENV: 'production',
      SECRET_KEY: randomBytes(32).toString('base64url'),
      DATABASE_URL: 'postgresql://127.0.0.1:1/none',
      DATA_DIR: tmpdir(),
    });
    expect(await exitCode(server)).toBe(1);
    expect(server.output()).toMatch(/ENCRYPTION_KEY is required/);
  });

  describe('without DATABASE_URL', () => {
    let dataDir: string;
    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'chatflow-start-'));
      chmodSync(dataDir, 0o755);
    });
    afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

    it('runs on an embedded PostgreSQL whose data, secrets and messages survive a restart', async () => {
      const env = { DATA_DIR: dataDir, PORT: String(await freePort()), EMBEDDED_POSTGRES_PORT: String(await freePort()) };
      const base = `http://127.0.0.1:${env.PORT}`;
      const post = (path: string, body: unknown, token?: string) =>
        fetch(base + path, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        });

      const first = spawnServer(env);
      await waitForOutput(first, READY);
      expect((await fetch(`${base}/health`)).status).toBe(200);
      const password = 'a perfectly fine password';
      const [alice, bob] = await Promise.all(
        ['alice', 'bob'].map(
          async (name) => (await (await post('/auth/register', { username: name, email: `${name}@x.test`, password })).json()) as { id: string },
        ),
      );
      const { access_token: token } = (await (await post('/auth/login', { username: 'alice', password })).json()) as { access_token: string };
      const conversation = (await (await post('/conversations', { participant_ids: [bob.id] }, token)).json()) as { id: string };
      const sent = await post(`/conversations/${conversation.id}/messages`, { content: 'still here after a restart? 🙂' }, token);
      expect(sent.status).toBe(201);
      const message = (await sent.json()) as { id: string; content: string };
      expect(await first.stop('SIGTERM')).toBe(0);

      const second = spawnServer(env);
      await waitForOutput(second, READY);
      try {
        // The token from before the restart is still valid: the generated secret was kept.
        const history = await fetch(`${base}/conversations/${conversation.id}/messages`, {
          headers: { authorization: `Bearer ${token}` },
        });
        expect(history.status).toBe(200);
        expect(await history.json()).toEqual([expect.objectContaining({ id: message.id, content: message.content, sender_id: alice.id })]);
      } finally {
        await second.stop('SIGTERM');
      }
    });
  });
});
