import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { Lifecycle } from '../../backend/src/platform/lifecycle';
import { ROOMY_LIMITS, startApp } from '../support/app';
import { freePort } from '../support/net';
import { RedisProcess } from '../support/redis';
import { exitCode, spawnServer, waitForOutput, type ServerProcess } from '../support/server-process';
import { TcpProxy } from '../support/tcp-proxy';
import { WsClient } from '../support/ws';

const secrets = { SECRET_KEY: randomBytes(32).toString('base64url'), ENCRYPTION_KEY: randomBytes(32).toString('base64') };

/** The built backend on a free port, with production-like JSON logs. */
async function serve(env: Record<string, string> = {}): Promise<{ server: ServerProcess; url: string }> {
  const port = await freePort();
  const server = spawnServer({
    ...secrets,
    ...ROOMY_LIMITS,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: String(port),
    DATABASE_URL: process.env.E2E_DATABASE_URL!,
    ...env,
  });
  await waitForOutput(server, 'ChatFlow API on');
  return { server, url: `http://127.0.0.1:${port}` };
}

/** The log lines (JSON, one per line) whose `msg` matches. */
function logLines(server: ServerProcess, match: RegExp): Array<{ level: number; msg: string }> {
  return server
    .output()
    .split('\n')
    .filter((line) => match.test(line))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}

async function userOn(base: string): Promise<{ id: string; token: string; auth: string; username: string; password: string }> {
  const username = `edge_${randomBytes(5).toString('hex')}`;
  const password = 'process-edges-password';
  const reg = await request(base).post('/auth/register').send({ username, email: `${username}@x.test`, password });
  const login = await request(base).post('/auth/login').send({ username, password });
  return { id: reg.body.id, token: login.body.access_token, auth: `Bearer ${login.body.access_token}`, username, password };
}

describe('health probes', () => {
  it('answers /health/live without looking at dependencies, /health/ready and /health with them', async () => {
    const t = await startApp();
    try {
      expect((await t.http().get('/health/live')).body).toEqual({ status: 'ok' });
      const ready = await t.http().get('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
      expect((await t.http().get('/health')).body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
    } finally {
      await t.close();
    }
  });

  it('stays live while Redis is unreachable, but not ready', async () => {
    const t = await startApp({ env: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` } });
    try {
      expect((await t.http().get('/health/live')).status).toBe(200);
      const ready = await t.http().get('/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ details: { redis: { status: 'down' } } });
      expect((await t.http().get('/health')).status).toBe(503);
    } finally {
      await t.close();
    }
  });

  it('while draining, answers every request but /health/live 503 with Connection: close, and opens no socket', async () => {
    const t = await startApp();
    try {
      const alice = await userOn(t.baseUrl);
      t.app.get(Lifecycle).drain();
      const refused = await t.http().get('/users/me').set('Authorization', alice.auth);
      expect(refused.status).toBe(503);
      expect(refused.body).toEqual({ statusCode: 503, message: 'This server is shutting down; try again', error: 'Service Unavailable' });
      expect(refused.headers).toMatchObject({ connection: 'close', 'retry-after': '2' });
      expect((await t.http().get('/health/ready')).status).toBe(503);
      expect((await t.http().get('/health/live')).status).toBe(200);
      const socket = await WsClient.open(`${t.baseUrl.replace(/^http/, 'ws')}/ws`, ['chatflow.v1', `bearer.${alice.token}`]);
      expect((await socket.closed).code).toBe(1001);
    } finally {
      await t.close();
    }
  });
});

describe('the process', () => {
  let redis: RedisProcess;
  beforeAll(async () => {
    redis = await RedisProcess.start();
  });
  afterAll(() => redis.stop());

  it('logs an unhandled rejection as a JSON line and carries on; exits 1 after logging an uncaught exception', async () => {
    const { server, url } = await serve({ NODE_OPTIONS: `--require ${join(__dirname, '..', 'support', 'fault-preload.cjs')}` });
    try {
      server.child.kill('SIGHUP');
      await waitForOutput(server, 'drill: a rejection nobody handles');
      expect(logLines(server, /unhandled promise rejection/)).toEqual([expect.objectContaining({ level: 50 })]);
      expect((await request(url).get('/health/live')).status).toBe(200);

      server.child.kill('SIGUSR2');
      expect(await exitCode(server)).toBe(1);
      expect(logLines(server, /uncaught exception, exiting/)).toEqual([
        expect.objectContaining({ level: 60, msg: expect.stringContaining('drill: an exception nobody catches') }),
      ]);
    } finally {
      await server.stop('SIGKILL');
    }
  });

  it('logs one warning for a PostgreSQL outage, not a stack trace per failed request, all as JSON lines', async () => {
    const { proxy, url: databaseUrl } = await TcpProxy.forDatabase(process.env.E2E_DATABASE_URL!);
    const { server, url } = await serve({ DATABASE_URL: databaseUrl, DATABASE_CONNECT_TIMEOUT_MS: '1000' });
    try {
      const alice = await userOn(url);
      await proxy.cut();
      for (let i = 0; i < 20; i++) {
        expect((await request(url).post('/auth/login').send({ username: alice.username, password: alice.password })).status).toBe(503);
      }
      await proxy.restore();
      expect((await request(url).post('/auth/login').send({ username: alice.username, password: alice.password })).status).toBe(200);
      expect(logLines(server, /PostgreSQL unavailable/)).toEqual([expect.objectContaining({ level: 40 })]);
      expect(server.output()).not.toMatch(/\n\s+at /);
      for (const line of server.output().split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      await server.stop();
      await proxy.cut();
    }
  });

  it('on SIGTERM drains (503, Connection: close) and never announces offline a user who reconnects to another instance within the grace', async () => {
    const shared = { REDIS_URL: redis.url, PRESENCE_GRACE_MS: '2000', PRESENCE_HEARTBEAT_MS: '200' };
    const [staying, leaving] = await Promise.all([serve({ ...shared, INSTANCE_ID: 'staying' }), serve({ ...shared, INSTANCE_ID: 'leaving' })]);
    const sockets: WsClient[] = [];
    try {
      const [alice, bob] = [await userOn(staying.url), await userOn(staying.url)];
      await request(staying.url).post('/conversations/').set('Authorization', alice.auth).send({ participant_ids: [bob.id] });
      const bobSocket = await WsClient.stream(staying.url, bob.token);
      sockets.push(bobSocket);
      const aliceOnLeaving = await WsClient.stream(leaving.url, alice.token);
      await bobSocket.next((f) => f.type === 'presence' && f.user_id === alice.id && f.status === 'online');
      const mark = bobSocket.mark();

      const stopped = leaving.server.stop('SIGTERM');
      expect((await aliceOnLeaving.closed).code).toBe(1001);
      sockets.push(await WsClient.stream(staying.url, alice.token));
      // Still within the grace: the leaving instance answers, but only to say it is leaving.
      const ready = await request(leaving.url).get('/health/ready');
      expect([ready.status, ready.headers.connection]).toEqual([503, 'close']);
      expect((await request(leaving.url).get('/health/live')).status).toBe(200);
      expect(await stopped).toBe(0);

      const seen = await request(staying.url).get('/conversations').set('Authorization', bob.auth);
      expect(seen.body[0].participants.find((p: { id: string }) => p.id === alice.id).is_online).toBe(true);
      expect(bobSocket.frames.slice(mark).filter((f) => f.type === 'presence' && f.user_id === alice.id)).toEqual([]);
    } finally {
      await Promise.all(sockets.map((s) => s.close()));
      await Promise.all([staying.server.stop('SIGKILL'), leaving.server.stop('SIGKILL')]);
    }
  }, 60_000);

  it('exits (code 1) when a graceful shutdown outlasts SHUTDOWN_TIMEOUT_MS', async () => {
    const { server, url } = await serve({ REDIS_URL: redis.url, PRESENCE_GRACE_MS: '9000', SHUTDOWN_TIMEOUT_MS: '1000' });
    const alice = await userOn(url);
    const socket = await WsClient.stream(url, alice.token);
    const started = Date.now();
    expect(await server.stop('SIGTERM')).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(logLines(server, /shutdown took longer than SHUTDOWN_TIMEOUT_MS/)).toHaveLength(1);
    await socket.closed;
  });
});
