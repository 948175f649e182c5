// Message throughput and latency at stepped rates (parts 1, 5's traffic and 6).
import { NOISE_PERCENT } from './noise.mjs';
import { cpuDelta, cpuSnapshot } from './procs.mjs';
import { socketUrl, startGenerator } from './servers.mjs';
import { log, round, sleep } from './util.mjs';

/** Sockets and senders of one topology on the given server(s). */
export function topology(kind, ctx, servers, pairs = ctx.pairs, chatGroups = ctx.groups) {
  const sockets = [];
  const senders = [];
  if (kind === 'direct' || kind === 'scaleout') {
    pairs.forEach((pair, i) => {
      const [serverA, serverB] = kind === 'scaleout' ? servers : [servers[0], servers[0]];
      sockets.push({ url: socketUrl(serverA, pair.a) }, { url: socketUrl(serverB, pair.b) });
      senders.push({ socket: 2 * i, conversationId: pair.conversationId, recipients: 1 });
      senders.push({ socket: 2 * i + 1, conversationId: pair.conversationId, recipients: 1 });
    });
  } else {
    for (const group of chatGroups) {
      for (const member of group.members) {
        senders.push({ socket: sockets.length, conversationId: group.conversationId, recipients: group.members.length - 1 });
        sockets.push({ url: socketUrl(servers[0], member) });
      }
    }
  }
  return { sockets, senders };
}

export function judge(step) {
  const reasons = [];
  const errors = Object.values(step.errors).reduce((a, b) => a + b, 0);
  if (step.sentRate < 0.95 * step.offeredRate) reasons.push(`generator sent only ${Math.round(step.sentRate)}/s`);
  if (step.deliveredRate < 0.9 * step.offeredRate) reasons.push(`delivered ${Math.round(step.deliveredRate)}/s < 90 % of offered`);
  if (step.latency.p99 === null || step.latency.p99 > 1000) reasons.push(`p99 ${round(step.latency.p99, 0)} ms > 1 s`);
  if (errors > 0.01 * step.sent) reasons.push(`${errors} error frames`);
  if (step.lost > 0.01 * step.sent) reasons.push(`${step.lost} messages not delivered within the drain`);
  return reasons;
}

function aggregateProbes(probes) {
  return {
    cpuPercent: round(probes.reduce((a, p) => a + p.cpu.percentOfOneCore, 0), 1),
    rssMB: round(probes.reduce((a, p) => a + p.memory.rss, 0) / 2 ** 20, 1),
    eventLoopDelayP99: round(Math.max(...probes.map((p) => p.eventLoopDelay.p99)), 2),
    eventLoopDelayP50: round(Math.max(...probes.map((p) => p.eventLoopDelay.p50)), 2),
    eventLoopDelayMax: round(Math.max(...probes.map((p) => p.eventLoopDelay.max)), 2),
    statements: probes.reduce((a, p) => a + p.statements, 0),
    perInstance: probes.map((p) => ({ cpuPercent: round(p.cpu.percentOfOneCore, 1), rssMB: round(p.memory.rss / 2 ** 20, 1), eventLoopDelayP99: p.eventLoopDelay.p99 })),
  };
}

/** Highest step that was not saturated (steps go up). */
export function bestStep(steps, maxP99 = Infinity) {
  let best = null;
  for (const s of steps) if (!s.saturated && s.latency.p99 <= maxP99) best = s;
  return best;
}

/**
 * Connects the topology's users through one generator process, warms up, then runs the
 * steps in order until one saturates (or the section's time budget is spent).
 */
/** Waits (bounded) until every server's CPU stays under 10 % of a core for `windows` windows in a row. */
export async function waitIdle(servers, maxMs = 15_000, windows = 2, windowMs = 400) {
  const deadline = Date.now() + maxMs;
  await Promise.all(servers.map((s) => s.handle.probe()));
  let quiet = 0;
  while (quiet < windows && Date.now() < deadline) {
    await sleep(windowMs);
    const probes = await Promise.all(servers.map((s) => s.handle.probe()));
    quiet = probes.every((p) => p.cpu.percentOfOneCore < 10) ? quiet + 1 : 0;
  }
}


/**
 * Connects a topology's users through its own generator process, plans the senders and
 * warms up; returns a runner whose `step(rate)` measures one step (re-run once, time
 * permitting, when other load on the machine disturbed it).
 */
async function prepareRun(ctx, { label, servers, kind, pairs, chatGroups, extraGroups = {} }) {
  const cfg = ctx.cfg.throughput;
  const { sockets, senders } = topology(kind, ctx, servers, pairs, chatGroups);
  const gen = startGenerator(ctx, `gen-${label}`, { fdLimit: sockets.length + 1024 });
  const run = { label, kind, servers: servers.map((s) => s.kind), instances: servers.length, users: sockets.length, steps: [], skipped: [] };
  try {
    run.connect = await gen.call('connect', { sockets, concurrency: 50, timeoutMs: 30_000 });
    if (run.connect.opened < sockets.length) {
      throw new Error(`${label}: only ${run.connect.opened} of ${sockets.length} sockets became ready: ${JSON.stringify(run.connect.errors)}`);
    }
    await gen.call('plan', { senders, contentBytes: cfg.contentBytes });
  } catch (error) {
    await gen.exit();
    throw error;
  }
  const groups = {
    server: servers.map((s) => s.handle.pid),
    postgres: [ctx.pg.postmasterPid()],
    generator: [gen.handle.pid],
    bench: { self: process.pid },
    ...extraGroups,
  };
  const measure = async (rate, tag) => {
    await Promise.all(servers.map((s) => s.handle.probe()));
    const before = cpuSnapshot(groups);
    const step = await gen.call('step', { rate, durationMs: cfg.stepMs, drainMs: cfg.drainMs, graceMs: cfg.graceMs, tag }, cfg.stepMs + cfg.drainMs + 60_000);
    const after = cpuSnapshot(groups);
    const probes = await Promise.all(servers.map((s) => s.handle.probe()));
    step.cpu = cpuDelta(before, after);
    step.server = aggregateProbes(probes);
    step.statementsPerMessage = step.acked ? round(step.server.statements / step.acked, 2) : null;
    step.reasons = judge(step);
    step.saturated = step.reasons.length > 0;
    return step;
  };
  return {
    run,
    servers,
    groups,
    gen,
    done: false,
    warmUp: (rate) => gen.call('step', { rate, durationMs: cfg.warmupMs, drainMs: cfg.drainMs, graceMs: cfg.graceMs, tag: `${label}-w` }),
    async step(rate, index) {
      let step = await measure(rate, `${label}-${index}`);
      step.attempts = 1;
      if (step.cpu.other > NOISE_PERCENT && !ctx.overBudget()) {
        log(`${label} ${rate}/s: other processes used ${step.cpu.other} % of a core (${step.cpu.topOther.map((o) => `${o.process} ${o.percent}%`).join(', ')}): measuring again`);
        await waitIdle(servers, 3000, 1, 250);
        const again = await measure(rate, `${label}-${index}r`);
        again.attempts = 2;
        again.firstAttempt = { cpu: step.cpu, latency: step.latency, deliveredRate: step.deliveredRate, saturated: step.saturated };
        if (again.cpu.other <= step.cpu.other) step = again;
        else step.attempts = 2;
      }
      step.disturbed = step.cpu.other > NOISE_PERCENT;
      run.steps.push(step);
      log(
        `${label} ${rate}/s: stored ${Math.round(step.storedRate)}/s delivered ${Math.round(step.deliveredRate)}/s ` +
          `(${Math.round(step.deliveriesRate)} deliveries/s) p50/p99 ${round(step.latency.p50, 1)}/${round(step.latency.p99, 1)} ms; ` +
          `cpu server ${step.cpu.server}% pg ${step.cpu.postgres}% gen ${step.cpu.generator}% other ${step.cpu.other}%; ` +
          `ELD p99 ${step.server.eventLoopDelayP99} ms${step.saturated ? ` — saturated: ${step.reasons.join('; ')}` : ''}`,
      );
      if (step.saturated) this.done = true;
      return step;
    },
    async close() {
      await gen.call('closeAll', {}, 30_000).catch(() => undefined);
      await gen.exit();
    },
  };
}

/**
 * Runs the same stepped rates on one or more setups, interleaved step by step (A at r1,
 * B at r1, A at r2, …) so that whatever else the machine does affects both alike; each
 * setup stops at its first saturated step. Returns one run per setup.
 */
export async function steppedRuns(ctx, setups, steps) {
  const cfg = ctx.cfg.throughput;
  const allServers = setups.flatMap((s) => s.servers);
  await waitIdle(allServers);
  const runners = [];
  const started = Date.now();
  try {
    for (const setup of setups) runners.push(await prepareRun(ctx, setup));
    // Each runner counts the others' processes apart, so they don't show up as "other".
    for (const r of runners) {
      r.groups.standby = runners.filter((o) => o !== r).flatMap((o) => [...o.groups.server, ...o.groups.generator]);
    }
    for (const r of runners) await r.warmUp(steps[0]);
    for (const [index, rate] of steps.entries()) {
      const active = runners.filter((r) => !r.done);
      if (!active.length) break;
      if (Date.now() - started > cfg.sectionBudgetMs * runners.length || ctx.overBudget()) {
        for (const r of active) r.run.skipped.push(...steps.slice(index));
        log(`time budget spent, skipping ${steps.slice(index).join(', ')} msg/s`);
        break;
      }
      for (const r of active) {
        await waitIdle(allServers, 3000, 1, 250);
        await r.step(rate, index);
      }
    }
  } finally {
    for (const r of runners) await r.close();
  }
  await waitIdle(allServers).catch(() => undefined); // a saturated server works off its backlog before what follows
  return runners.map((r) => {
    r.run.best = bestStep(r.run.steps);
    r.run.best100 = bestStep(r.run.steps, 100);
    r.run.durationMs = Date.now() - started;
    return r.run;
  });
}
