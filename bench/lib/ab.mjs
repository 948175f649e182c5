// A/B mode: the message throughput part, run on this checkout's build (A) and on another
// commit's (B), interleaved step by step on one PostgreSQL, each on its own users and
// conversations; writes bench/AB-RESULTS.md and ab-results.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeUsers, mintToken, seedConversations, seedUsers } from './db.mjs';
import { startChatFlow } from './servers.mjs';
import { steppedRuns } from './throughput.mjs';
import { log, round } from './util.mjs';

/** Users and conversations for B, shaped like A's (the same sizes, never shared, so neither instance sees the other's messages). */
async function seedForB(ctx, db) {
  const t = ctx.cfg.throughput;
  const pairUsers = makeUsers('abp', 2 * t.pairs);
  const groupUsers = makeUsers('abg', t.groups * t.groupSize);
  await seedUsers(db, [...pairUsers, ...groupUsers], ctx.passwordHash);
  for (const u of [...pairUsers, ...groupUsers]) u.token = mintToken(ctx.secrets.secretKey, u.id, u.username);
  const pairSpecs = Array.from({ length: t.pairs }, (_, i) => ({ members: [pairUsers[2 * i].id, pairUsers[2 * i + 1].id], group: false }));
  const groupSpecs = Array.from({ length: t.groups }, (_, g) => ({
    members: groupUsers.slice(g * t.groupSize, (g + 1) * t.groupSize).map((u) => u.id),
    group: true,
    name: `AB group ${g}`,
  }));
  const pairIds = await seedConversations(db, pairSpecs, ctx.cipher);
  const groupIds = await seedConversations(db, groupSpecs, ctx.cipher);
  return {
    pairs: pairIds.map((conversationId, i) => ({ conversationId, a: pairUsers[2 * i], b: pairUsers[2 * i + 1] })),
    groups: groupIds.map((conversationId, g) => ({ conversationId, members: groupUsers.slice(g * t.groupSize, (g + 1) * t.groupSize) })),
  };
}

/** One-on-one and group runs of A (`server`) and B (the build of `against`), interleaved. */
export async function abThroughput(ctx, db, server, against) {
  const b = await startChatFlow(ctx, 'against-1', { entry: against.entry });
  try {
    const { pairs, groups } = await seedForB(ctx, db);
    const t = ctx.cfg.throughput;
    const [aDirect, bDirect] = await steppedRuns(
      ctx,
      [
        { label: 'A-1on1', servers: [server], kind: 'direct' },
        { label: 'B-1on1', servers: [b], kind: 'direct', pairs },
      ],
      t.directSteps,
    );
    const [aGroup, bGroup] = await steppedRuns(
      ctx,
      [
        { label: 'A-group', servers: [server], kind: 'group' },
        { label: 'B-group', servers: [b], kind: 'group', chatGroups: groups },
      ],
      t.groupSteps,
    );
    return { direct: { a: aDirect, b: bDirect }, group: { a: aGroup, b: bGroup } };
  } finally {
    await b.handle.stop();
  }
}

const ratio = (a, b) => (a === null || a === undefined || !b ? null : round(a / b, 2));
const fmt = (v, digits = 1) => (v === null || v === undefined ? '—' : round(v, digits).toLocaleString('en-US'));
const x = (v) => (v === null ? '—' : `${v.toFixed(2)}×`);

function sustained(run, rate) {
  return run?.steps?.find((s) => s.offeredRate === rate && !s.saturated) ?? null;
}

/** Per rate both builds sustained: p99 and CPU side by side, with B's as the reference. */
function compare(a, b) {
  const rows = [];
  for (const step of a?.steps ?? []) {
    const other = b?.steps?.find((s) => s.offeredRate === step.offeredRate);
    rows.push({ rate: step.offeredRate, a: step, b: other ?? null });
  }
  const both = rows.filter((r) => sustained(a, r.rate) && sustained(b, r.rate));
  const p99Ratios = both.map((r) => ratio(r.a.latency.p99, r.b.latency.p99)).filter((v) => v !== null).sort((p, q) => p - q);
  const cpuRatios = both.map((r) => ratio(r.a.cpu.server, r.b.cpu.server)).filter((v) => v !== null).sort((p, q) => p - q);
  const median = (list) => (list.length ? list[Math.floor((list.length - 1) / 2)] : null);
  return {
    rows,
    bestA: a?.best?.deliveredRate ?? null,
    bestB: b?.best?.deliveredRate ?? null,
    throughputRatio: ratio(a?.best?.deliveredRate, b?.best?.deliveredRate),
    medianP99Ratio: median(p99Ratios),
    medianServerCpuRatio: median(cpuRatios),
    ratesBothSustained: both.length,
  };
}

function table(title, c) {
  const lines = [
    `### ${title}`,
    '',
    `Sustained (last step before saturation): A ${fmt(c.bestA, 0)} msg/s, B ${fmt(c.bestB, 0)} msg/s → **${x(c.throughputRatio)}**. ` +
      `Over the ${c.ratesBothSustained} rates both sustained: median p99 ratio A/B **${x(c.medianP99Ratio)}**, median server CPU ratio ${x(c.medianServerCpuRatio)}.`,
    '',
    '| offered msg/s | A delivered/s | A p50 / p99 ms | A server CPU % | B delivered/s | B p50 / p99 ms | B server CPU % | p99 A/B |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const { rate, a, b } of c.rows) {
    const mark = (s) => (s.saturated ? ' (saturated)' : '') + (s.disturbed ? ' *' : '');
    const cell = (s) => (s ? [fmt(s.deliveredRate, 0) + mark(s), `${fmt(s.latency.p50)} / ${fmt(s.latency.p99)}`, fmt(s.cpu.server, 0)] : ['—', '—', '—']);
    lines.push(`| ${fmt(rate, 0)} | ${cell(a).join(' | ')} | ${cell(b).join(' | ')} | ${x(a && b ? ratio(a.latency.p99, b.latency.p99) : null)} |`);
  }
  if (c.rows.some(({ a, b }) => a?.disturbed || b?.disturbed)) {
    lines.push('', '\\* other processes on the machine used more than the noise threshold during this step, even when measured again.');
  }
  return lines.join('\n');
}

export function writeAbReport(benchDir, results) {
  const { meta, against, ab } = results;
  const direct = ab ? compare(ab.direct.a, ab.direct.b) : null;
  const group = ab ? compare(ab.group.a, ab.group.b) : null;
  const md = [
    '# ChatFlow A/B benchmark',
    '',
    `A = this checkout (${meta.commit ?? 'unknown commit'}), B = ${against.label}; ${meta.mode} mode, ${meta.date}, ` +
      `Node ${meta.node}, PostgreSQL ${meta.postgres}, ${meta.cores} cores (${meta.cpuModel}).`,
    '',
    'Both builds run as production does (`node --max-semi-space-size=64`, NODE_ENV=production), one at a time, ' +
      'step by step in turn (A at r1, B at r1, A at r2, …) on the same PostgreSQL, each on its own users and ' +
      'conversations of the same shape. A ratio below 1.00× for p99 or CPU means A is cheaper; above 1.00× for ' +
      'throughput means A carries more.',
    '',
    ...(results.failures.length ? [`**Failed parts:** ${results.failures.join(', ')} (see the run's log).`, ''] : []),
    ...(direct ? [table('One-on-one (/ws)', direct), '', table(`Groups of ${meta.config.throughput.groupSize} (/ws)`, group)] : []),
    '',
  ].join('\n');
  writeFileSync(join(benchDir, 'AB-RESULTS.md'), md);
  writeFileSync(join(benchDir, 'ab-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`A/B: one-on-one ${x(direct?.throughputRatio ?? null)} throughput, median p99 ${x(direct?.medianP99Ratio ?? null)}; groups ${x(group?.throughputRatio ?? null)}, median p99 ${x(group?.medianP99Ratio ?? null)}`);
  return ['bench/AB-RESULTS.md', 'bench/ab-results.json'];
}
