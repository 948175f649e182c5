// Part 5: argon2id parameters, logins/s, and the server's event-loop delay while logins
// run alongside message traffic (vs the same traffic without logins, same run).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { closedLoop, request } from './http.mjs';
import { cpuDelta, cpuSnapshot } from './procs.mjs';
import { startGenerator } from './servers.mjs';
import { topology } from './throughput.mjs';
import { log, round, summarize } from './util.mjs';

export function argon2Parameters(hash) {
  // PHC string: $argon2id$v=19$m=19456,t=2,p=1$salt$hash (parameter order varies by library)
  const [, algorithm, version, params] = (hash ?? '').split('$');
  const values = Object.fromEntries((params ?? '').split(',').map((kv) => kv.split('=')));
  return {
    algorithm,
    version: Number(version?.replace('v=', '')),
    memoryKiB: Number(values.m),
    timeCost: Number(values.t),
    parallelism: Number(values.p),
  };
}

export async function loginBench(ctx, server) {
  const cfg = ctx.cfg.login;
  const result = { parameters: argon2Parameters(ctx.passwordHash) };
  const users = ctx.pairs.flatMap((p) => [p.a, p.b]);
  let next = 0;
  const login = async () => {
    const user = users[next++ % users.length];
    const res = await request(server.http, 'POST', '/auth/login', { body: { username: user.username, password: ctx.password } });
    return { ok: res.status === 200 && Boolean(res.body?.access_token), ms: res.ms, error: `${res.status} ${JSON.stringify(res.body).slice(0, 120)}` };
  };
  const loginLoop = () => closedLoop({ concurrency: cfg.concurrency, count: 100_000, maxMs: cfg.windowMs, task: login });

  // The same argon2 verification in the bench process: the ceiling for logins on this box.
  const argon2 = createRequire(join(ctx.root, 'backend', 'package.json'))('argon2');
  const raw = await closedLoop({
    concurrency: cfg.concurrency,
    count: 10_000,
    maxMs: cfg.rawArgonMs,
    task: async () => {
      const t = performance.now();
      const ok = await argon2.verify(ctx.passwordHash, ctx.password);
      return { ok, ms: performance.now() - t };
    },
  });
  const single = await closedLoop({
    concurrency: 1,
    count: 20,
    maxMs: cfg.rawArgonMs,
    task: async () => {
      const t = performance.now();
      const ok = await argon2.verify(ctx.passwordHash, ctx.password);
      return { ok, ms: performance.now() - t };
    },
  });
  result.singleHash = summarize(single.latencies);
  result.rawVerify = { perSecond: round(raw.completed / (raw.ms / 1000), 1), latency: summarize(raw.latencies), concurrency: cfg.concurrency };
  log(`argon2 ${JSON.stringify(result.parameters)}: raw verify ${result.rawVerify.perSecond}/s in the bench process`);

  const groups = { server: [server.handle.pid], postgres: [ctx.pg.postmasterPid()], bench: { self: process.pid } };
  // Logins alone.
  await server.handle.probe();
  let snap = cpuSnapshot(groups);
  const alone = await loginLoop();
  const aloneCpu = cpuDelta(snap, cpuSnapshot(groups));
  const aloneProbe = await server.handle.probe();
  result.alone = {
    perSecond: round(alone.completed / (alone.ms / 1000), 1),
    failed: alone.failed,
    firstErrors: alone.firstErrors,
    latency: summarize(alone.latencies),
    eventLoopDelay: aloneProbe.eventLoopDelay,
    serverCpuPercent: round(aloneProbe.cpu.percentOfOneCore, 1),
    cpu: aloneCpu,
  };
  log(`logins alone: ${result.alone.perSecond}/s, p99 ${result.alone.latency.p99} ms, server ELD p99 ${aloneProbe.eventLoopDelay.p99} ms`);

  // Message traffic alone, then the same traffic with logins alongside.
  const { sockets, senders } = topology('direct', ctx, [server]);
  const gen = startGenerator(ctx, 'gen-login', { fdLimit: sockets.length + 1024 });
  try {
    const connected = await gen.call('connect', { sockets, concurrency: 50 });
    if (connected.opened < sockets.length) throw new Error(`login: ${connected.opened}/${sockets.length} sockets ready`);
    await gen.call('plan', { senders, contentBytes: ctx.cfg.throughput.contentBytes });
    const stepArgs = (tag) => ({ rate: cfg.messageRate, durationMs: cfg.windowMs, drainMs: 2000, graceMs: 250, tag });
    await gen.call('step', { ...stepArgs('login-warm'), durationMs: 500 });

    groups.generator = [gen.handle.pid];
    await server.handle.probe();
    snap = cpuSnapshot(groups);
    const messagesOnly = await gen.call('step', stepArgs('login-msgs'));
    const messagesCpu = cpuDelta(snap, cpuSnapshot(groups));
    const messagesProbe = await server.handle.probe();

    await server.handle.probe();
    snap = cpuSnapshot(groups);
    const [together, loginsUnderLoad] = await Promise.all([gen.call('step', stepArgs('login-both')), loginLoop()]);
    const togetherCpu = cpuDelta(snap, cpuSnapshot(groups));
    const togetherProbe = await server.handle.probe();

    const view = (step, probe, cpu) => ({
      cpu,
      messageRate: cfg.messageRate,
      deliveredRate: round(step.deliveredRate, 0),
      latency: { p50: round(step.latency.p50, 2), p99: round(step.latency.p99, 2) },
      eventLoopDelay: probe.eventLoopDelay,
      serverCpuPercent: round(probe.cpu.percentOfOneCore, 1),
    });
    result.messagesOnly = view(messagesOnly, messagesProbe, messagesCpu);
    result.withLogins = {
      ...view(together, togetherProbe, togetherCpu),
      loginsPerSecond: round(loginsUnderLoad.completed / (loginsUnderLoad.ms / 1000), 1),
      loginLatency: summarize(loginsUnderLoad.latencies),
      failed: loginsUnderLoad.failed,
    };
    log(
      `ELD p99 messages only ${messagesProbe.eventLoopDelay.p99} ms, with logins ${togetherProbe.eventLoopDelay.p99} ms ` +
        `(${result.withLogins.loginsPerSecond} logins/s; message p99 ${result.messagesOnly.latency.p99} → ${result.withLogins.latency.p99} ms)`,
    );
  } finally {
    await gen.call('closeAll', {}, 30_000).catch(() => undefined);
    await gen.exit();
  }
  return result;
}
