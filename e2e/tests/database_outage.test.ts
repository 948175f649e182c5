import type { Response } from 'supertest';
import { Client } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { dataSourceOptions } from '../../backend/src/database/data-source-options';
import { migrate } from '../../backend/src/platform/database/migrate';
import { startApp, type TestApp } from '../support/app';
import { expectError } from '../support/errors';
import { TcpProxy } from '../support/tcp-proxy';
import { registerUser, startConversation, uniqueName, type TestUser } from '../support/users';
import { WsClient } from '../support/ws';

/** A 503 in the API's error shape that says when to try again: never a 401 (logged out) or a 500. */
function expectUnavailable(res: Response): void {
  expectError(res, 503);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

/**
 * PostgreSQL going away under a running app (through a TCP proxy the test cuts: every
 * connection dropped, new ones refused) must never log anyone out: REST answers 503 with
 * Retry-After everywhere — login, registration and the token check included — a socket
 * opening then closes with 1013 (try again later), an open socket answers a frame with an
 * `error` event and stays open, and everything works again once the database is back.
 */
describe('a database outage', () => {
  let t: TestApp;
  let proxy: TcpProxy;
  let alice: TestUser;
  let bob: TestUser;
  let conversationId: string;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    const through = await TcpProxy.forDatabase(process.env.E2E_DATABASE_URL!);
    proxy = through.proxy;
    // Sessions are checked against the database on every request here, as after a cache expiry.
    t = await startApp({ env: { DATABASE_URL: through.url, SESSION_CACHE_SECONDS: '0', DATABASE_CONNECT_TIMEOUT_MS: '1000' } });
    [alice, bob] = [await registerUser(t, 'outage'), await registerUser(t, 'outage')];
    conversationId = await startConversation(t, alice, [bob]);
  });

  afterEach(async () => {
    await proxy.restore();
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await t.close();
    await proxy.cut();
  });

  it('answers 503 with Retry-After to logins, registrations and authenticated requests, then serves them again', async () => {
    await proxy.cut();
    expectUnavailable(await t.http().get('/users/me').set('Authorization', alice.auth));
    expectUnavailable(await t.http().get('/auth/sessions').set('Authorization', alice.auth));
    expectUnavailable(await t.http().post('/auth/login').send({ username: alice.username, password: alice.password }));
    const username = uniqueName('outage');
    expectUnavailable(await t.http().post('/auth/register').send({ username, email: `${username}@example.test`, password: 'a-long-enough-password' }));
    expectUnavailable(await t.http().get(`/conversations/${conversationId}/messages`).set('Authorization', alice.auth));

    await proxy.restore();
    expect((await t.http().get('/users/me').set('Authorization', alice.auth)).status).toBe(200);
    expect((await t.http().post('/auth/login').send({ username: alice.username, password: alice.password })).status).toBe(200);
  });

  it('closes a socket opening during the outage with 1013, not 4401, and accepts it once the database is back', async () => {
    await proxy.cut();
    const refused = await WsClient.open(`${t.baseUrl.replace(/^http/, 'ws')}/ws`, ['chatflow.v1', `bearer.${alice.token}`]);
    expect(await refused.closed).toEqual({ code: 1013, reason: 'service unavailable, try again later' });

    await proxy.restore();
    sockets.push(await WsClient.stream(t.baseUrl, alice.token));
  });

  it('answers a frame that needs the database with an error event, keeps the socket open, and takes the frame again after', async () => {
    const socket = await WsClient.stream(t.baseUrl, alice.token);
    sockets.push(socket);
    await proxy.cut();
    socket.send({ type: 'message', conversation_id: conversationId, content: 'during the outage', client_id: 'outage-1' });
    const error = await socket.next((f) => f.type === 'error');
    expect(error).toEqual({ type: 'error', code: 'internal', detail: 'The database is unavailable; try again in a moment', client_id: 'outage-1' });
    expect(socket.isOpen).toBe(true);

    await proxy.restore();
    socket.send({ type: 'message', conversation_id: conversationId, content: 'during the outage', client_id: 'outage-1' });
    const ack = await socket.next((f) => f.type === 'ack' && f.client_id === 'outage-1');
    expect(ack.message.content).toBe('during the outage');
  });
});

describe('statement and connect timeouts', () => {
  it('cancels a statement that waits past DATABASE_STATEMENT_TIMEOUT_MS and answers 503', async () => {
    const t = await startApp({ env: { DATABASE_STATEMENT_TIMEOUT_MS: '300' } });
    const holder = new Client({ connectionString: process.env.E2E_DATABASE_URL });
    try {
      const alice = await registerUser(t, 'timeout');
      await holder.connect();
      // A row lock held elsewhere: the app's update waits on it, as behind a hung transaction.
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [alice.id]);
      const started = Date.now();
      expectUnavailable(await t.http().patch('/users/me').set('Authorization', alice.auth).send({ full_name: 'Alice' }));
      expect(Date.now() - started).toBeLessThan(5_000);
      await holder.query('ROLLBACK');
      expect((await t.http().patch('/users/me').set('Authorization', alice.auth).send({ full_name: 'Alice' })).status).toBe(200);
    } finally {
      await holder.end();
      await t.close();
    }
  });

  it('gives up connecting after DATABASE_CONNECT_TIMEOUT_MS to a database that accepts but never answers', async () => {
    // A listener that never speaks PostgreSQL: the connection opens, the startup never completes.
    const { createServer } = await import('node:net');
    const held: Array<import('node:net').Socket> = [];
    const silent = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const { port } = silent.address() as { port: number };
    const url = new URL(process.env.E2E_DATABASE_URL!);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const dataSource = new DataSource(dataSourceOptions(url.toString(), 1, { connectTimeoutMs: 300 }));
    const started = Date.now();
    try {
      await expect(dataSource.initialize()).rejects.toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });

  it('runs migrations past the statement timeout, and gives the connection back with the timeout in force', async () => {
    const name = `${process.env.E2E_DATABASE_NAME}_mig`;
    const admin = new Client({ connectionString: process.env.E2E_ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.E2E_DATABASE_URL!);
    url.pathname = `/${name}`;
    class SlowMigration1700000000000 implements MigrationInterface {
      name = 'SlowMigration1700000000000';
      async up(runner: QueryRunner): Promise<void> {
        await runner.query('SELECT pg_sleep(0.4)');
      }
      async down(): Promise<void> {}
    }
    const dataSource = new DataSource({ ...dataSourceOptions(url.toString(), 1, { statementTimeoutMs: 100 }), migrations: [SlowMigration1700000000000] });
    try {
      await dataSource.initialize();
      await expect(migrate(dataSource)).resolves.toEqual(['SlowMigration1700000000000']);
      expect(await dataSource.query('SHOW statement_timeout')).toEqual([{ statement_timeout: '100ms' }]);
      await expect(dataSource.query('SELECT pg_sleep(0.4)')).rejects.toThrow(/statement timeout/);
    } finally {
      await dataSource.destroy();
      await admin.query(`DROP DATABASE ${name}`);
      await admin.end();
    }
  });
});
