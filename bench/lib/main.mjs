// The benchmark run: starts its own PostgreSQL (embedded), redis-server, ChatFlow instances
// (a black box over HTTP/WebSocket, with bench/probe.cjs preloaded) and the baseline server;
// seeds data with COPY; runs every part; writes bench/RESULTS.md, results.json, results.svg;
// stops everything it started, even on failure.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { compareBench, nodeVersion, parseCompare, resolveNode } from './compare.mjs';
import { FULL, QUICK } from './config.mjs';
import { abThroughput, writeAbReport } from './ab.mjs';
import { changesBench } from './changes.mjs';
import { connectionsBench } from './connections.mjs';
import { profileMessages } from './cpuprofile.mjs';
import { heapProfile } from './heap.mjs';
import { connect, contentCipher, copyRows, makeUsers, mintToken, seedConversations, seedUsers } from './db.mjs';
import { request } from './http.mjs';
import { loginBench } from './login.mjs';
import { fdLimits, killAllNow, stopAll, stopChild } from './procs.mjs';
import { conversationListBench, historyBench, seedConversationList, seedHistory } from './reads.mjs';
import { writeReport } from './report.mjs';
import { secrets, startBaseline, startChatFlow, startPostgres, startRedis } from './servers.mjs';
import { steppedRuns } from './throughput.mjs';
import { log } from './util.mjs';

export async function main({ root, benchDir, redisProblem, against }) {
  const quick = ['1', 'true', 'yes'].includes(String(process.env.BENCH_QUICK ?? '').toLowerCase());
  const cfg = quick ? QUICK : FULL;
  const startedAt = Date.now();
  const ctx = {
    root,
    benchDir,
    cfg,
    quick,
    secrets: secrets(),
    password: `bench-${randomBytes(9).toString('base64url')}`,
    overBudget: () => Date.now() - startedAt > cfg.budgetMs,
  };
  // BENCH_NODE=/path/to/node: the Node.js binary of the ChatFlow servers under test (the
  // baseline and the load generators stay on the bench's own). BENCH_COMPARE: see compare.mjs.
  if (process.env.BENCH_NODE) {
    const binary = resolveNode(process.env.BENCH_NODE, root);
    ctx.serverNode = { binary, version: nodeVersion(binary) };
  }
  ctx.compareSetups = process.env.BENCH_COMPARE ? parseCompare(process.env.BENCH_COMPARE, root) : undefined;
  const results = { meta: {}, sections: {} };
  const failures = [];
  let pg;

  const cleanup = async () => {
    await stopAll(8000).catch(() => undefined);
    if (pg) {
      await pg.handle.stop().catch(() => {
        const pid = pg.postmasterPid();
        if (pid) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
      });
      pg = undefined;
    }
    if (ctx.tmp) rmSync(ctx.tmp, { recursive: true, force: true });
  };
  let interrupted = false;
  const onSignal = (signal) => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping everything the bench started`);
    cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAllNow);

  // BENCH_ONLY=history,connections runs only those parts (for development).
  const only = (process.env.BENCH_ONLY ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  /** Runs one part; a failure is recorded (and reported) without stopping the others. */
  const part = async (name, fn) => {
    if (only.length && !only.includes(name)) return;
    const t0 = Date.now();
    log(`── ${name}`);
    try {
      results.sections[name] = await fn();
    } catch (error) {
      failures.push(name);
      results.sections[name] = { error: String(error?.stack ?? error) };
      log(`${name} FAILED: ${error?.stack ?? error}`);
    }
    if (results.sections[name]) results.sections[name].sectionMs = Date.now() - t0;
  };

  try {
    ctx.tmp = mkdtempSync(join(tmpdir(), 'chatflow-bench-'));
    chmodSync(ctx.tmp, 0o755); // PostgreSQL runs as the `postgres` user when we are root
    log(`${cfg.mode} mode; temp dir ${ctx.tmp}`);
    pg = await startPostgres(root, join(ctx.tmp, 'pg'));
    ctx.pg = pg;
    const admin = await connect(pg.url('postgres'));
    await admin.query('CREATE DATABASE baseline');
    const settings = await admin.query(
      `SELECT name, setting, unit FROM pg_settings WHERE name = ANY($1)`,
      [['shared_buffers', 'synchronous_commit', 'fsync', 'max_connections', 'wal_level', 'server_version']],
    );
    await admin.end();
    results.meta = { ...machineInfo(root, cfg, settings.rows), serverNode: ctx.serverNode?.version, config: cfg, only: only.length ? only : undefined };
    ctx.fd = fdLimits(cfg.connections.target + 1024);
    results.meta.fdLimit = ctx.fd;
    log(`PostgreSQL ${results.meta.postgres} on port ${pg.port}; fd limit ${ctx.fd.effective} (hard ${ctx.fd.hard})`);
    log(`ChatFlow on Node.js ${ctx.serverNode ? `${ctx.serverNode.version} (BENCH_NODE)` : process.version}; baseline and load generators on ${process.version}`);

    // ---- one ChatFlow instance and the baseline, with the throughput users ----
    const chatflow = await startChatFlow(ctx, 'chatflow-1');
    if (against) {
      // A/B mode: the throughput part only, this build against the other commit's.
      await bootstrapUsers(ctx, chatflow);
      const db = await connect(pg.url('chatflow'));
      await seedThroughput(ctx, db);
      await db.end();
      await part('throughput', async () => (results.ab = await abThroughput(ctx, chatflow, against)));
    } else {
      await standardParts(ctx, part, chatflow, redisProblem);
    }
  } catch (error) {
    failures.push('setup');
    results.setupError = String(error?.stack ?? error);
    log(`FAILED: ${error?.stack ?? error}`);
  } finally {
    results.meta.totalMs = Date.now() - startedAt;
    log('stopping servers, PostgreSQL and removing the temp dir');
    await cleanup();
  }
  results.failures = failures;
  if (against) results.against = against;
  const files = against ? writeAbReport(benchDir, results) : writeReport(benchDir, results, ctx);
  log(`wrote ${files.join(', ')} in ${Math.round((Date.now() - startedAt) / 1000)} s`);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return failures.length ? 1 : 0;
}

/** Every part of the full run after the first instance is up: ChatFlow against the baseline. */
async function standardParts(ctx, part, chatflow, redisProblem) {
  const { cfg } = ctx;
  const baseline = await startBaseline(ctx, 'baseline-1');
  await bootstrapUsers(ctx, chatflow);
  const db = await connect(ctx.pg.url('chatflow'));
  await seedThroughput(ctx, db);

  const t = cfg.throughput;
  const throughput = {};
  await part('throughput', async () => {
    [throughput.chatflowDirect, throughput.baselineDirect] = await steppedRuns(
      ctx,
      [
        { label: 'chatflow-1on1', servers: [chatflow], kind: 'direct' },
        { label: 'baseline-1on1', servers: [baseline], kind: 'direct' },
      ],
      t.directSteps,
    );
    [throughput.chatflowGroup, throughput.baselineGroup] = await steppedRuns(
      ctx,
      [
        { label: 'chatflow-group', servers: [chatflow], kind: 'group' },
        { label: 'baseline-group', servers: [baseline], kind: 'group' },
      ],
      t.groupSteps,
    );
    return throughput;
  });
  await stopChild(baseline.handle);
  await part('profile', () => {
    // A busy but sustainable load: the highest step at or under 3/4 of the best one with p99 ≤ 100 ms.
    const best = throughput.chatflowDirect?.best100?.offeredRate ?? t.directSteps[0];
    const rate = Math.max(t.directSteps[0], ...t.directSteps.filter((r) => r <= 0.75 * best));
    return profileMessages(ctx, chatflow, rate);
  });
  // Opt-in: ChatFlow on several Node.js binaries / V8 flags, interleaved (BENCH_COMPARE).
  if (ctx.compareSetups) await part('compare', () => compareBench(ctx, db, ctx.compareSetups));

  // ---- two instances sharing Redis (before the big seeds, so the tables match part 1's) ----
  await part('scaleOut', async () => {
    if (redisProblem) throw new Error(redisProblem);
    const redis = await startRedis();
    try {
      const a = await startChatFlow(ctx, 'chatflow-a', { redisUrl: redis.url });
      const b = await startChatFlow(ctx, 'chatflow-b', { redisUrl: redis.url });
      try {
        // One instance and two, interleaved step by step, on separate conversations (the
        // single instance is not on Redis and must not see the others' messages).
        const [single, scaled] = await steppedRuns(
          ctx,
          [
            { label: 'one-instance-1on1', servers: [chatflow], kind: 'direct' },
            { label: 'two-instances-1on1', servers: [a, b], kind: 'scaleout', pairs: ctx.scalePairs, extraGroups: { redis: [redis.handle.pid] } },
          ],
          t.directSteps,
        );
        return { single, scaled, redisVersion: execOr('redis-server', ['--version']) };
      } finally {
        await Promise.all([stopChild(a.handle), stopChild(b.handle)]);
      }
    } finally {
      await stopChild(redis.handle);
    }
  });


  await part('login', () => loginBench(ctx, chatflow));
  await part('changes', () => changesBench(ctx, chatflow));
  await part('conversationList', async () => conversationListBench(ctx, chatflow, await seedConversationList(ctx, db)));
  await part('history', async () => historyBench(ctx, chatflow, await seedHistory(ctx, db)));
  await stopChild(chatflow.handle);

  // ---- idle connections on a fresh instance each ----
  await part('connections', async () => {
    const c = cfg.connections;
    const users = makeUsers('conn', c.target);
    await seedUsers(db, users, ctx.passwordHash);
    const specs = [];
    for (let i = 0; i + 1 < users.length; i += 2) specs.push({ members: [users[i].id, users[i + 1].id], group: false });
    await seedConversations(db, specs, ctx.cipher);
    for (const u of users) u.token = mintToken(ctx.secrets.secretKey, u.id, u.username, u.sid);
    const out = { target: c.target };
    const fdLimit = ctx.fd.effective;
    // Per-connection heap breakdown on a small fresh instance (heap snapshots of 20,000 would be too big).
    const small = await startChatFlow(ctx, 'chatflow-heap', { fdLimit });
    try {
      out.heap = await heapProfile(ctx, small, users.slice(0, c.heapProfileConnections));
      log(`heap per connection (${out.heap.connections} sockets): ${out.heap.heapBytesPerConnection} B; ${out.heap.categories.map((k) => `${k.name} ${k.bytesPerConnection}`).join(', ')}`);
    } catch (error) {
      out.heap = { error: String(error?.message ?? error) };
    } finally {
      await stopChild(small.handle, 5000);
    }
    const cf = await startChatFlow(ctx, 'chatflow-conn', { fdLimit, env: { WS_PING_INTERVAL_MS: String(c.pingIntervalMs) } });
    try {
      out.chatflow = await connectionsBench(ctx, cf, users, { fdLimit, pingIntervalMs: c.pingIntervalMs });
    } finally {
      await stopChild(cf.handle, 5000);
    }
    const bl = await startBaseline(ctx, 'baseline-conn', { fdLimit, env: { PING_INTERVAL_MS: String(c.pingIntervalMs) } });
    try {
      out.baseline = await connectionsBench(ctx, bl, users, { fdLimit, pingIntervalMs: c.pingIntervalMs });
    } finally {
      await stopChild(bl.handle, 5000);
    }
    return out;
  });
  await db.end();
}

function execOr(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function machineInfo(root, cfg, settings) {
  const setting = (name) => settings.find((s) => s.name === name);
  const commit = execOr('git', ['-C', root, 'rev-parse', '--short', 'HEAD']);
  const dirty = execOr('git', ['-C', root, 'status', '--porcelain', '--', 'backend/src']);
  return {
    date: new Date().toISOString(),
    mode: cfg.mode,
    cores: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: setting('server_version')?.setting,
    postgresSettings: Object.fromEntries(
      settings.filter((s) => s.name !== 'server_version').map((s) => [s.name, s.unit ? `${s.setting} × ${s.unit}` : s.setting]),
    ),
    commit: commit ? `${commit}${dirty ? ' (backend/src modified)' : ''}` : null,
  };
}

/**
 * One user registered through the API: its argon2id hash (as the server made it) is reused
 * for every seeded user, and its login proves the token format the bench mints.
 */
async function bootstrapUsers(ctx, server) {
  const username = `bench_${randomBytes(4).toString('hex')}`;
  const reg = await request(server.http, 'POST', '/auth/register', { body: { username, email: `${username}@bench.test`, password: ctx.password } });
  if (reg.status !== 201) throw new Error(`register: ${reg.status} ${JSON.stringify(reg.body)}`);
  const login = await request(server.http, 'POST', '/auth/login', { body: { username, password: ctx.password } });
  if (login.status !== 200) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const db = await connect(ctx.pg.url('chatflow'));
  try {
    ctx.passwordHash = (await db.query('SELECT password_hash FROM users WHERE id = $1', [reg.body.id])).rows[0].password_hash;
  } finally {
    await db.end();
  }
  const claims = JSON.parse(Buffer.from(login.body.access_token.split('.')[1], 'base64url').toString());
  const minted = mintToken(ctx.secrets.secretKey, reg.body.id, username, claims.sid);
  const me = await request(server.http, 'GET', '/users/me', { token: minted });
  if (me.status !== 200) throw new Error(`a token minted like the server's is refused: ${me.status}`);
  ctx.tokenClaims = Object.keys(claims).sort();
  ctx.cipher = contentCipher(ctx.root, ctx.secrets.encryptionKey);
}

async function seedThroughput(ctx, db) {
  const t = ctx.cfg.throughput;
  const pairUsers = makeUsers('p', 2 * t.pairs);
  const scaleUsers = makeUsers('s', 2 * t.pairs);
  const groupUsers = makeUsers('g', t.groups * t.groupSize);
  const everyone = [...pairUsers, ...scaleUsers, ...groupUsers];
  await seedUsers(db, everyone, ctx.passwordHash);
  for (const u of everyone) u.token = mintToken(ctx.secrets.secretKey, u.id, u.username, u.sid);
  const directSpecs = [];
  for (let i = 0; i < t.pairs; i++) directSpecs.push({ members: [pairUsers[2 * i].id, pairUsers[2 * i + 1].id], group: false });
  const scaleSpecs = [];
  for (let i = 0; i < t.pairs; i++) scaleSpecs.push({ members: [scaleUsers[2 * i].id, scaleUsers[2 * i + 1].id], group: false });
  const scaleIds = await seedConversations(db, scaleSpecs, ctx.cipher);
  ctx.scalePairs = scaleIds.map((conversationId, i) => ({ conversationId, a: scaleUsers[2 * i], b: scaleUsers[2 * i + 1] }));
  const groupSpecs = [];
  for (let g = 0; g < t.groups; g++) groupSpecs.push({ members: groupUsers.slice(g * t.groupSize, (g + 1) * t.groupSize).map((u) => u.id), group: true, name: `Bench group ${g}` });
  const directIds = await seedConversations(db, directSpecs, ctx.cipher);
  const groupIds = await seedConversations(db, groupSpecs, ctx.cipher);
  ctx.pairs = directIds.map((conversationId, i) => ({ conversationId, a: pairUsers[2 * i], b: pairUsers[2 * i + 1] }));
  ctx.groups = groupIds.map((conversationId, g) => ({ conversationId, members: groupUsers.slice(g * t.groupSize, (g + 1) * t.groupSize) }));
  // The baseline's own membership table (created by the baseline server at start).
  const baseline = await connect(ctx.pg.url('baseline'));
  try {
    await baseline.query(`CREATE TABLE IF NOT EXISTS baseline_participants (conversation_id uuid NOT NULL, user_id uuid NOT NULL, PRIMARY KEY (conversation_id, user_id))`);
    const rows = [];
    for (const p of ctx.pairs) rows.push([p.conversationId, p.a.id], [p.conversationId, p.b.id]);
    for (const g of ctx.groups) for (const m of g.members) rows.push([g.conversationId, m.id]);
    await copyRows(baseline, 'baseline_participants', ['conversation_id', 'user_id'], rows);
  } finally {
    await baseline.end();
  }
  log(`seeded ${everyone.length} users, ${2 * t.pairs} one-on-one and ${t.groups} group conversations`);
}
