// The processes under test and their infrastructure: embedded PostgreSQL, redis-server,
// ChatFlow (backend/dist/main.js, a black box over HTTP/WebSocket) and the baseline server,
// both started with the probe, plus load-generator processes.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { spawnCommand, spawnNode, waitHealthy } from './procs.mjs';
import { freePort, withTimeout } from './util.mjs';

export function secrets() {
  return { secretKey: randomBytes(48).toString('base64url'), encryptionKey: randomBytes(32).toString('base64') };
}

export async function startPostgres(root, dir) {
  const require = createRequire(join(root, 'backend', 'package.json'));
  const { startEmbeddedPostgres } = require('./dist/platform/database/embedded-postgres.js');
  const port = await freePort();
  const handle = await startEmbeddedPostgres({ dir, port, database: 'chatflow', persistent: false });
  const clusterDir = join(dir, 'postgres');
  const postmasterPid = () => {
    try {
      return Number(readFileSync(join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  };
  return { handle, port, url: handle.url, postmasterPid, clusterDir };
}

export async function startRedis() {
  const port = await freePort();
  const redis = spawnCommand('redis-server', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no']);
  await withTimeout(
    new Promise((resolve, reject) => {
      const check = () => redis.output().includes('Ready to accept connections') && resolve();
      redis.child.stdout.on('data', check);
      redis.child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${redis.output()}`)));
      check();
    }),
    15_000,
    'redis-server start',
  );
  return { handle: redis, port, url: `redis://127.0.0.1:${port}` };
}

/** The V8 flags production gives the server (`npm start`, `npm run start:api`, the Dockerfile). */
export const PRODUCTION_NODE_ARGS = ['--max-semi-space-size=64'];

/**
 * Starts `node --require probe.cjs backend/dist/main.js` with the flags production uses
 * (`npm run start:api`, the Dockerfile) and waits for /health. The Node.js binary is
 * ctx.serverNode (BENCH_NODE) unless `node` is given; `nodeArgs` replaces production's flags;
 * `entry` runs another build (A/B mode).
 */
export async function startChatFlow(ctx, name, { databaseUrl, redisUrl, env = {}, fdLimit = 4096, node, nodeArgs = PRODUCTION_NODE_ARGS, entry } = {}) {
  const port = await freePort();
  const handle = spawnNode(name, entry ?? join(ctx.root, 'backend', 'dist', 'main.js'), {
    cwd: ctx.root,
    node: node ?? ctx.serverNode?.binary ?? process.execPath,
    nodeArgs: [...nodeArgs, '--expose-gc', '--require', join(ctx.benchDir, 'probe.cjs')],
    fdLimit,
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: databaseUrl ?? ctx.pg.url('chatflow'),
      DATA_DIR: join(ctx.tmp, 'data'),
      SECRET_KEY: ctx.secrets.secretKey,
      ENCRYPTION_KEY: ctx.secrets.encryptionKey,
      LOG_LEVEL: 'warn',
      WS_FRAMES_PER_SECOND: '100000',
      WS_FRAME_BURST: '100000',
      LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000000',
      REGISTRATIONS_PER_ADDRESS: '1000000',
      USER_SEARCHES_PER_MINUTE_PER_USER: '1000000',
      USER_SEARCHES_PER_MINUTE_PER_ADDRESS: '1000000',
      // Load generators send far faster per user than a person, and open many sockets per user.
      MESSAGES_PER_MINUTE_PER_USER: '10000000',
      WS_MAX_CONNECTIONS_PER_USER: '100000',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
      // Users who leave at the end of a run are announced offline at once, not during the next run.
      PRESENCE_GRACE_MS: '0',
      ...(redisUrl ? { REDIS_URL: redisUrl, INSTANCE_ID: name } : {}),
      ...serverEnvFromBench(),
      ...env,
    },
  });
  await waitHealthy(handle, `http://127.0.0.1:${port}`, 90_000);
  return { name, handle, port, http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}`, kind: 'chatflow' };
}

export async function startBaseline(ctx, name, { env = {}, fdLimit = 4096 } = {}) {
  const port = await freePort();
  const handle = spawnNode(name, join(ctx.benchDir, 'baseline', 'server.mjs'), {
    cwd: ctx.root,
    nodeArgs: ['--expose-gc', '--require', join(ctx.benchDir, 'probe.cjs')],
    fdLimit,
    env: { PORT: String(port), DATABASE_URL: ctx.pg.url('baseline'), POOL_SIZE: '20', ...env },
  });
  await waitHealthy(handle, `http://127.0.0.1:${port}`, 30_000);
  return { name, handle, port, http: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}`, kind: 'baseline' };
}

/** A load-generator process (generator.mjs) with a promise-based RPC. */
export function startGenerator(ctx, name, { fdLimit = 4096 } = {}) {
  const handle = spawnNode(name, join(ctx.benchDir, 'generator.mjs'), { cwd: ctx.benchDir, fdLimit });
  let ids = 0;
  const call = (cmd, args = {}, timeoutMs = 120_000) => {
    const id = ++ids;
    return withTimeout(
      new Promise((resolve, reject) => {
        const onMessage = (message) => {
          if (message?.id !== id) return;
          cleanup();
          if (message.error) reject(new Error(`${name} ${cmd}: ${message.error}`));
          else resolve(message.result);
        };
        const onExit = (code) => {
          cleanup();
          reject(new Error(`${name} exited (${code}) during ${cmd}:\n${handle.output().slice(-3000)}`));
        };
        const cleanup = () => {
          handle.child.off('message', onMessage);
          handle.child.off('exit', onExit);
        };
        handle.child.on('message', onMessage);
        handle.child.on('exit', onExit);
        handle.child.send({ id, cmd, ...args });
      }),
      timeoutMs,
      `${name} ${cmd}`,
    );
  };
  return {
    name,
    handle,
    call,
    async exit() {
      if (handle.exited()) return;
      const exited = once(handle.child, 'exit');
      handle.child.send({ cmd: 'exit' });
      const timer = setTimeout(() => handle.child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The ws URL a user connects with: ChatFlow's `/ws?token=` or the baseline's `/ws?user=`. */
export function socketUrl(server, user) {
  return server.kind === 'chatflow' ? `${server.ws}/ws?token=${user.token}` : `${server.ws}/ws?user=${user.id}`;
}

/**
 * BENCH_SERVER_ENV="NAME=value NAME2=value2": settings given to every ChatFlow instance of the
 * run, to compare one setting against another in runs of the same build.
 */
function serverEnvFromBench() {
  const pairs = (process.env.BENCH_SERVER_ENV ?? '').split(/\s+/).filter(Boolean);
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`BENCH_SERVER_ENV: "${pair}" is not NAME=value`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}
