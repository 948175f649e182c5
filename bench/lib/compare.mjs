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
// added to every setup.
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
  const steps = ctx.cfg.compareSteps;
  const servers = [];
  try {
    for (const [index, setup] of setups.entries()) {
      const users = makeUsers(`n${index}`, 2 * t.pairs);
      await seedUsers(db, users, ctx.passwordHash);
      for (const u of users) u.token = mintToken(ctx.secrets.secretKey, u.id, u.username);
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

/** A markdown table of the runs, for the log (RESULTS.md does not show this part). */
function printSummary(out) {
  const lines = ['', '| setup | Node.js | flags | rate msg/s | delivered/s | p50 ms | p99 ms | server CPU % | ELD p99 ms | RSS MB |', '|---|---|---|---|---|---|---|---|---|---|'];
  for (const rate of out.steps) {
    for (const s of out.setups) {
      const step = s.run.steps.find((x) => x.offeredRate === rate);
      if (!step) continue;
      lines.push(
        `| ${s.label} | ${s.node} | ${s.flags.join(' ') || '—'} | ${rate} | ${Math.round(step.deliveredRate)} | ${round(step.latency.p50, 1)} | ${round(step.latency.p99, 1)} | ` +
          `${step.cpu.server} | ${step.server.eventLoopDelayP99} | ${step.server.rssMB} |${step.saturated ? ' saturated' : ''}${step.disturbed ? ' disturbed' : ''}`,
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
