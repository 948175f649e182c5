// Part 2: idle authenticated /ws connections held by one instance.
import { readdirSync } from 'node:fs';
import { cpuDelta, cpuSnapshot } from './procs.mjs';
import { socketUrl, startGenerator } from './servers.mjs';
import { log, round, sleep } from './util.mjs';

function openFds(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return null;
  }
}

/**
 * On a freshly started server (nothing else connected): idle footprint, then `users` sockets
 * opened by two generator processes, then the heartbeat's cost with every socket idle.
 */
export async function connectionsBench(ctx, server, users, { fdLimit, pingIntervalMs }) {
  const cfg = ctx.cfg.connections;
  const pid = server.handle.pid;
  // A forced GC blocks the loop: its pause would land in the next window, so each GC
  // snapshot is followed by a short pause and a plain snapshot that starts a clean window.
  const afterGc = async () => {
    await sleep(150);
    await server.handle.probe();
  };
  await sleep(1000);
  await server.handle.probe({ gc: true });
  await afterGc();
  await sleep(cfg.idleWindowMs);
  const idle = await server.handle.probe({ gc: true });
  const idleFds = openFds(pid);
  // Every socket is a file descriptor of this one process: stay under its limit.
  const count = Math.min(users.length, fdLimit - idleFds - 64);
  const halves = [users.slice(0, Math.ceil(count / 2)), users.slice(Math.ceil(count / 2), count)];
  const gens = halves.map((_, i) => startGenerator(ctx, `gen-conn-${server.kind}-${i}`, { fdLimit: Math.min(fdLimit, halves[i].length + 1024) }));
  const result = { kind: server.kind, requested: ctx.cfg.connections.target, fdLimit, attempted: count, pingIntervalMs };
  try {
    await afterGc();
    const groups = { server: [pid], postgres: [ctx.pg.postmasterPid()], generator: gens.map((g) => g.handle.pid), bench: { self: process.pid } };
    // Two rounds, each half of every generator's sockets, with a GC'd memory reading between:
    // the second round's growth is the marginal cost of a connection, free of one-off costs
    // (the young generation growing to its working size, pools, caches) that the first pays.
    const connectRound = (round) =>
      Promise.all(
        gens.map((gen, i) => {
          const mid = Math.ceil(halves[i].length / 2);
          const sockets = (round === 0 ? halves[i].slice(0, mid) : halves[i].slice(mid)).map((u) => ({ url: socketUrl(server, u) }));
          return gen.call('connect', { sockets, concurrency: cfg.concurrencyPerGenerator, timeoutMs: 60_000 }, 600_000);
        }),
      );
    let cpuBefore = cpuSnapshot(groups);
    let t0 = performance.now();
    const firstRound = await connectRound(0);
    let rampMs = performance.now() - t0;
    let rampCpu = cpuDelta(cpuBefore, cpuSnapshot(groups));
    let ramp = await server.handle.probe();
    let rampStatements = ramp.statements;
    await sleep(1000);
    const half = await server.handle.probe({ gc: true });
    await afterGc();
    const openedFirst = firstRound.reduce((a, r) => a + r.opened, 0);
    cpuBefore = cpuSnapshot(groups);
    t0 = performance.now();
    const secondRound = await connectRound(1);
    const secondMs = performance.now() - t0;
    const secondCpu = cpuDelta(cpuBefore, cpuSnapshot(groups));
    ramp = await server.handle.probe();
    rampStatements += ramp.statements;
    // CPU shares over both rounds, weighted by their durations.
    rampCpu = Object.fromEntries(
      Object.entries(rampCpu).map(([k, v]) => [k, typeof v === 'number' && typeof secondCpu[k] === 'number' ? round((v * rampMs + secondCpu[k] * secondMs) / (rampMs + secondMs), 1) : v]),
    );
    rampMs += secondMs;
    const ramps = [...firstRound, ...secondRound];
    const opened = ramps.reduce((a, r) => a + r.opened, 0);
    const openedSecond = opened - openedFirst;
    const errors = {};
    for (const r of ramps) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
    await sleep(1000);
    const held = await server.handle.probe({ gc: true });
    await afterGc();
    // Heartbeat: every socket idle, the server pinging every pingIntervalMs.
    await sleep(cfg.heartbeatWindowMs);
    const heartbeat = await server.handle.probe();
    const genStats = await Promise.all(gens.map((g) => g.call('stats')));
    const stillOpen = genStats.reduce((a, s) => a + s.open, 0);

    const idleCpuPerMs = (idle.cpu.userMs + idle.cpu.systemMs) / idle.windowMs;
    const hbCpuMs = heartbeat.cpu.userMs + heartbeat.cpu.systemMs;
    const sweeps = heartbeat.windowMs / pingIntervalMs;
    const perSweepMs = Math.max(0, (hbCpuMs - idleCpuPerMs * heartbeat.windowMs) / sweeps);
    Object.assign(result, {
      opened,
      errors,
      stillOpenAfterHeartbeat: stillOpen,
      fds: { idle: idleFds, held: openFds(pid) },
      accept: {
        totalMs: round(rampMs, 0),
        perSecond: round(opened / (rampMs / 1000), 0),
        readyP50Ms: round(Math.max(...ramps.map((r) => r.readyMs.p50 ?? 0)), 1),
        readyP99Ms: round(Math.max(...ramps.map((r) => r.readyMs.p99 ?? 0)), 1),
        serverCpuPercent: round(ramp.cpu.percentOfOneCore, 1),
        cpu: rampCpu,
        statementsPerConnection: opened ? round(rampStatements / opened, 2) : null,
        eventLoopDelay: ramp.eventLoopDelay,
      },
      memory: {
        idleRssMB: round(idle.memory.rss / 2 ** 20, 1),
        heldRssMB: round(held.memory.rss / 2 ** 20, 1),
        idleHeapMB: round(idle.memory.heapUsed / 2 ** 20, 1),
        heldHeapMB: round(held.memory.heapUsed / 2 ** 20, 1),
        rssPerConnectionKB: opened ? round((held.memory.rss - idle.memory.rss) / opened / 1024, 2) : null,
        halfRssMB: round(half.memory.rss / 2 ** 20, 1),
        openedFirstRound: openedFirst,
        marginalRssPerConnectionKB: openedSecond ? round((held.memory.rss - half.memory.rss) / openedSecond / 1024, 2) : null,
        marginalHeapPerConnectionKB: openedSecond ? round((held.memory.heapUsed - half.memory.heapUsed) / openedSecond / 1024, 2) : null,
        heapPerConnectionKB: opened ? round((held.memory.heapUsed - idle.memory.heapUsed) / opened / 1024, 2) : null,
        externalPerConnectionKB: opened ? round((held.memory.external - idle.memory.external) / opened / 1024, 2) : null,
      },
      heartbeat: {
        windowMs: heartbeat.windowMs,
        cpuPercent: round(heartbeat.cpu.percentOfOneCore, 2),
        idleCpuPercent: round(idle.cpu.percentOfOneCore, 2),
        cpuMsPerSweep: round(perSweepMs, 1),
        cpuUsPerConnectionPerSweep: opened ? round((perSweepMs * 1000) / opened, 2) : null,
        cpuPercentAtDefault30s: round((perSweepMs / 30_000) * 100, 3),
        eventLoopDelay: heartbeat.eventLoopDelay,
      },
      idleEventLoopDelay: idle.eventLoopDelay,
    });
    log(
      `${server.kind} connections: ${opened}/${count} ready in ${result.accept.totalMs} ms (${result.accept.perSecond}/s, ready p99 ${result.accept.readyP99Ms} ms); ` +
        `RSS ${result.memory.idleRssMB} → ${result.memory.halfRssMB} → ${result.memory.heldRssMB} MB = ${result.memory.rssPerConnectionKB} KB/connection (second half ${result.memory.marginalRssPerConnectionKB} KB); ` +
        `heartbeat ${result.heartbeat.cpuMsPerSweep} ms CPU per sweep, ELD p99 ${heartbeat.eventLoopDelay.p99} ms; ${stillOpen} still open`,
    );
  } finally {
    await Promise.all(gens.map((g) => g.exit()));
  }
  return result;
}
