// Part "compare" (opt-in, BENCH_COMPARE): ChatFlow's one-on-one messages on several Node.js
// binaries and/or V8 flags in one run, interleaved step by step like the other message runs
// (A at r1, B at r1, …, A at r2, …), each setup its own instance and its own conversations;
// then a CPU profile of each at one common rate, for the share of the async-context
// bookkeeping (AsyncLocalStorage: promise hooks before Node.js 24, AsyncContextFrame from 24).
//
//   BENCH_COMPARE='node20=node --max-semi-space-size=64; node24=tools/node24/node_modules/node/bin/node --max-semi-space-size=64; node24-nosemi=tools/node24/node_modules/node/bin/node'
//
// Each entry is `label=node [flags]`: a binary (a path relative to the repository root, an
// absolute one, or a name on PATH) and the flags the server gets instead of production's
// (none written = Node's defaults). The probe (--require bench/probe.cjs, --expose-gc) is
// added to every setup. BENCH_COMPARE_STEPS=4000,4000,4000 replaces the steps (config.mjs):
// a rate repeated is a repetition, for medians on a noisy machine.
import { spawnSync } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { profileMessages } from './cpuprofile.mjs';
import { makeUsers, mintToken, seedConversations, seedUsers } from './db.mjs';
import { stopChild } from './procs.mjs';
import { startChatFlow } from './servers.mjs';
import { bestStep, steppedRuns } from './throughput.mjs';
import { log, round } from './util.mjs';

/** A Node.js binary named on the command line: paths are relative to the repository root. */
export function resolveNode(node, root) {
  return node.includes('/') && !isAbsolute(node) ? join(root, node) : node;
}

/** `node --version` of a binary; throws when it does not run. */
export function nodeVersion(binary) {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${binary} does not run: ${result.error?.message ?? result.stderr.trim()}`);
  return result.stdout.trim();
}

/** Parses BENCH_COMPARE (see the top of this file). */
export function parseCompare(spec, root) {
  const setups = spec
    .split(';')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const eq = entry.indexOf('=');
      const label = entry.slice(0, eq).trim();
      const [node, ...args] = entry.slice(eq + 1).trim().split(/\s+/).filter(Boolean);
      if (eq <= 0 || !/^[\w.-]+$/.test(label) || !node) throw new Error(`BENCH_COMPARE: "${entry}" is not "label=node [flags]"`);
      const binary = resolveNode(node, root);
      return { label, binary, version: nodeVersion(binary), args };
    });
  if (new Set(setups.map((s) => s.label)).size !== setups.length) throw new Error('BENCH_COMPARE: labels must differ');
  if (setups.length < 2) throw new Error('BENCH_COMPARE: name at least two setups');
  return setups;
}

export async function compareBench(ctx, db, setups) {
  const t = ctx.cfg.throughput;
  const steps = process.env.BENCH_COMPARE_STEPS
    ? process.env.BENCH_COMPARE_STEPS.split(',').map((rate) => Number(rate.trim()))
    : ctx.cfg.compareSteps;
  if (!steps.length || steps.some((rate) => !(rate > 0))) throw new Error(`BENCH_COMPARE_STEPS: "${process.env.BENCH_COMPARE_STEPS}" is not a list of rates`);
  const servers = [];
  try {
    for (const [index, setup] of setups.entries()) {
      const users = makeUsers(`n${index}`, 2 * t.pairs);
      await seedUsers(db, users, ctx.passwordHash);
      for (const u of users) u.token = mintToken(ctx.secrets.secretKey, u.id, u.username, u.sid);
      const specs = [];
      for (let i = 0; i < t.pairs; i++) specs.push({ members: [users[2 * i].id, users[2 * i + 1].id], group: false });
      const ids = await seedConversations(db, specs, ctx.cipher);
      setup.pairs = ids.map((conversationId, i) => ({ conversationId, a: users[2 * i], b: users[2 * i + 1] }));
      servers.push(await startChatFlow(ctx, `chatflow-${setup.label}`, { node: setup.binary, nodeArgs: setup.args }));
      log(`${setup.label}: ChatFlow on Node.js ${setup.version} ${setup.args.join(' ') || '(Node defaults)'}`);
    }
    const runs = await steppedRuns(
      ctx,
      setups.map((setup, i) => ({ label: setup.label, servers: [servers[i]], kind: 'direct', pairs: setup.pairs })),
      steps,
    );
    // The profiles at one rate every setup sustained with p99 ≤ 100 ms (3/4 of the lowest best).
    const lowestBest = Math.min(...runs.map((run) => bestStep(run.steps, 100)?.offeredRate ?? steps[0]));
    const rate = Math.max(steps[0], ...steps.filter((r) => r <= 0.75 * lowestBest));
    const profiles = [];
    for (const [i, setup] of setups.entries()) {
      const profile = await profileMessages(ctx, servers[i], rate, { label: `${setup.label}-profiled`, pairs: setup.pairs });
      profiles.push(profile);
      log(
        `${setup.label} profile at ${rate}/s: async context ${profile.asyncContext.percent} % of busy CPU ` +
          `(${profile.asyncContext.functions.map((f) => `${f.name} ${f.percent}%`).join(', ') || 'no frames'}); ` +
          `top: ${profile.functions.slice(0, 5).map((f) => `${f.name} ${f.percent}%`).join(', ')}`,
      );
    }
    const out = {
      steps,
      profileRate: rate,
      setups: setups.map((setup, i) => ({
        label: setup.label,
        node: setup.version,
        flags: setup.args,
        run: runs[i],
        profile: {
          rate,
          busyMs: profiles[i].busyMs,
          asyncContext: profiles[i].asyncContext,
          functions: profiles[i].functions,
          places: profiles[i].places,
          latency: profiles[i].step?.latency,
          server: profiles[i].step?.server,
        },
      })),
    };
    printSummary(out);
    return out;
  } finally {
    await Promise.all(servers.map((server) => stopChild(server.handle)));
  }
}

const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (!sorted.length) return null;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Server CPU time per delivered message (µs), from /proc: less sensitive to other load than latency. */
const cpuPerMessage = (step) => (step.deliveredRate > 0 ? ((step.cpu.server / 100) * 1e6) / step.deliveredRate : null);

/** Markdown tables of the runs, for the log (RESULTS.md does not show this part). */
function printSummary(out) {
  const lines = ['', '| setup | Node.js | flags | rate msg/s | delivered/s | p50 ms | p99 ms | server CPU % | CPU µs/msg | ELD p99 ms | RSS MB | other load % |', '|---|---|---|---|---|---|---|---|---|---|---|---|'];
  out.steps.forEach((rate, index) => {
    for (const s of out.setups) {
      const step = s.run.steps[index];
      if (!step) continue;
      lines.push(
        `| ${s.label} | ${s.node} | ${s.flags.join(' ') || '—'} | ${rate} | ${Math.round(step.deliveredRate)} | ${round(step.latency.p50, 1)} | ${round(step.latency.p99, 1)} | ` +
          `${step.cpu.server} | ${round(cpuPerMessage(step), 0)} | ${step.server.eventLoopDelayP99} | ${step.server.rssMB} | ${step.cpu.other} |${step.saturated ? ' saturated' : ''}${step.disturbed ? ' disturbed' : ''}`,
      );
    }
  });
  // Per distinct rate, the median over its repetitions (BENCH_COMPARE_STEPS repeats a rate).
  lines.push('', '| setup | rate msg/s | steps | median p50 ms | median p99 ms | median ELD p99 ms | median CPU µs/msg |', '|---|---|---|---|---|---|---|');
  for (const rate of [...new Set(out.steps)]) {
    for (const s of out.setups) {
      const steps = s.run.steps.filter((step, index) => out.steps[index] === rate && !step.saturated);
      if (!steps.length) continue;
      lines.push(
        `| ${s.label} | ${rate} | ${steps.length} | ${round(median(steps.map((x) => x.latency.p50)), 1)} | ${round(median(steps.map((x) => x.latency.p99)), 1)} | ` +
          `${round(median(steps.map((x) => x.server.eventLoopDelayP99)), 2)} | ${round(median(steps.map(cpuPerMessage)), 0)} |`,
      );
    }
  }
  lines.push('', `| setup | best sustained msg/s (p99) | best with p99 ≤ 100 ms | async context, % of busy CPU at ${out.profileRate}/s | CPU busy ms in the profiled step |`, '|---|---|---|---|---|');
  for (const s of out.setups) {
    const best = s.run.best;
    const best100 = s.run.best100;
    lines.push(
      `| ${s.label} | ${best ? `${Math.round(best.deliveredRate)} (${round(best.latency.p99, 1)} ms)` : '—'} | ${best100 ? `${Math.round(best100.deliveredRate)} (${round(best100.latency.p99, 1)} ms)` : '—'} | ${s.profile.asyncContext.percent} | ${s.profile.busyMs} |`,
    );
  }
  log(`compare:\n${lines.join('\n')}\n`);
}
