// A/B mode: the message throughput part, run on this checkout's build (A) and on another
// commit's (B), interleaved step by step on one PostgreSQL server, each build on its own
// database (migrated by its own code); writes bench/AB-RESULTS.md and ab-results.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect, makeUsers } from './db.mjs';
import { request } from './http.mjs';
import { startChatFlow } from './servers.mjs';
import { steppedRuns } from './throughput.mjs';
import { log, round } from './util.mjs';

/** Runs `task` over `items`, `concurrency` at a time. */
async function eachLimited(items, concurrency, task) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function call(server, method, path, options) {
  const res = await request(server.http, method, path, options);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * Users and conversations for B shaped like A's, made through B's own API (whatever its
 * schema and token format): register and log in each user, then start the conversations.
 */
async function seedThroughApi(ctx, server) {
  const t = ctx.cfg.throughput;
  const pairUsers = makeUsers('abp', 2 * t.pairs);
  const groupUsers = makeUsers('abg', t.groups * t.groupSize);
  await eachLimited([...pairUsers, ...groupUsers], 4, async (user) => {
    const body = { username: user.username, email: `${user.username}@bench.test`, password: ctx.password };
    user.id = (await call(server, 'POST', '/auth/register', { body })).id;
    user.token = (await call(server, 'POST', '/auth/login', { body: { username: user.username, password: ctx.password } })).access_token;
  });
  const pairs = Array.from({ length: t.pairs }, (_, i) => ({ a: pairUsers[2 * i], b: pairUsers[2 * i + 1] }));
  const groups = Array.from({ length: t.groups }, (_, g) => ({ members: groupUsers.slice(g * t.groupSize, (g + 1) * t.groupSize) }));
  await eachLimited(pairs, 8, async (pair) => {
    pair.conversationId = (await call(server, 'POST', '/conversations', { token: pair.a.token, body: { participant_ids: [pair.b.id] } })).id;
  });
  await eachLimited(groups, 8, async (group, g) => {
    const [owner, ...others] = group.members;
    const body = { participant_ids: others.map((u) => u.id), is_group_chat: true, name: `AB group ${g}` };
    group.conversationId = (await call(server, 'POST', '/conversations', { token: owner.token, body })).id;
  });
  log(`B: ${pairUsers.length + groupUsers.length} users, ${pairs.length} one-on-one and ${groups.length} group conversations made through its API`);
  return { pairs, groups };
}

/** One-on-one and group runs of A (`server`) and B (the build of `against`), interleaved. */
export async function abThroughput(ctx, server, against) {
  const admin = await connect(ctx.pg.url('postgres'));
  await admin.query('CREATE DATABASE chatflow_b');
  await admin.end();
  const b = await startChatFlow(ctx, 'against-1', { entry: against.entry, databaseUrl: ctx.pg.url('chatflow_b') });
  try {
    const { pairs, groups } = await seedThroughApi(ctx, b);
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

function table(heading, c) {
  const lines = [
    heading,
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

/** The comparison tables of an A/B run, under headings of the given level. */
function abTables(results, level) {
  const { meta, ab } = results;
  if (!ab) return [];
  const h = '#'.repeat(level);
  return [
    table(`${h} One-on-one (/ws)`, compare(ab.direct.a, ab.direct.b)),
    '',
    table(`${h} Groups of ${meta.config.throughput.groupSize} (/ws)`, compare(ab.group.a, ab.group.b)),
    '',
  ];
}

function abMethod(results) {
  const { meta, against } = results;
  return (
    `A = ${meta.commit ?? 'this checkout'}, B = ${against.label}; ${meta.mode} mode, ${meta.date}, Node ${meta.node}, ` +
    `PostgreSQL ${meta.postgres}, ${meta.cores} cores (${meta.cpuModel}). Both builds run as production does ` +
    '(`node --max-semi-space-size=64`, NODE_ENV=production), one at a time, step by step in turn (A at r1, B at r1, ' +
    'A at r2, …) on the same PostgreSQL server, each on its own database (migrated by its own code) with users and ' +
    'conversations of the same shape. A ratio below 1.00× for p99 or CPU means A is cheaper; above 1.00× for ' +
    'throughput means A carries more.'
  );
}

/** The last A/B run (bench/ab-results.json), as a section of RESULTS.md. */
export function abSummary(results) {
  return ['', '## Against an earlier commit (`npm run bench -- --against <ref>`)', '', abMethod(results), '', ...abTables(results, 3)].join('\n');
}

export function writeAbReport(benchDir, results) {
  const { ab } = results;
  const direct = ab ? compare(ab.direct.a, ab.direct.b) : null;
  const group = ab ? compare(ab.group.a, ab.group.b) : null;
  const md = [
    '# ChatFlow A/B benchmark',
    '',
    abMethod(results),
    '',
    ...(results.failures.length ? [`**Failed parts:** ${results.failures.join(', ')} (see the run's log).`, ''] : []),
    ...abTables(results, 3),
  ].join('\n');
  writeFileSync(join(benchDir, 'AB-RESULTS.md'), md);
  writeFileSync(join(benchDir, 'ab-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`A/B: one-on-one ${x(direct?.throughputRatio ?? null)} throughput, median p99 ${x(direct?.medianP99Ratio ?? null)}; groups ${x(group?.throughputRatio ?? null)}, median p99 ${x(group?.medianP99Ratio ?? null)}`);
  return ['bench/AB-RESULTS.md', 'bench/ab-results.json'];
}
