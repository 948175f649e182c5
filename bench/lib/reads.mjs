// Parts 3 and 4: history pages (keyset vs OFFSET) and the conversation list (vs a naive N+1).
import { performance } from 'node:perf_hooks';
import { connect, makeUsers, mintToken, seedConversations, seedLongConversation, seedUsers } from './db.mjs';
import { closedLoop, request } from './http.mjs';
import { groupsFor, quietly } from './noise.mjs';
import { log, round, summarize } from './util.mjs';

const COLUMNS = 'id, conversation_id, seq, sender_id, client_id, content_ciphertext, content_key_id, created_at';

// ---- conversation list --------------------------------------------------------------------

export async function seedConversationList(ctx, db) {
  const cfg = ctx.cfg.convList;
  const [me] = makeUsers('list', 1);
  const groupCount = Math.round(cfg.conversations * cfg.groupShare);
  const directCount = cfg.conversations - groupCount;
  const partners = makeUsers('lp', directCount);
  await seedUsers(db, [me, ...partners], ctx.passwordHash);
  const pick = () => partners[Math.floor(Math.random() * partners.length)].id;
  const specs = [];
  for (let i = 0; i < cfg.conversations; i++) {
    const group = i >= directCount;
    const members = group ? [me.id, ...new Set(Array.from({ length: cfg.groupSize - 1 }, pick))] : [me.id, partners[i].id];
    const count = 1 + Math.floor(Math.random() * cfg.maxMessages);
    const messages = Array.from({ length: count }, (_, k) => ({
      sender: members[Math.floor(Math.random() * members.length)],
      content: `conversation ${i} message ${k + 1}: see you at the usual place?`,
    }));
    const unread = Math.random() < cfg.unreadShare;
    specs.push({ members, group, name: group ? `Group ${i}` : undefined, messages, readSeq: { [me.id]: unread ? Math.floor(Math.random() * count) : count } });
  }
  await seedConversations(db, specs, ctx.cipher);
  // The message parts before this one left millions of fresh rows: vacuum and checkpoint now,
  // so autovacuum and the checkpointer do not run during the measurement.
  await db.query('VACUUM ANALYZE');
  await db.query('CHECKPOINT');
  me.token = mintToken(ctx.secrets.secretKey, me.id, me.username, me.sid);
  return { user: me, conversations: cfg.conversations, messages: specs.reduce((a, s) => a + s.messages.length, 0) };
}

/** The list without ChatFlow's two set-based queries: one query per conversation per field. */
async function naiveList(db, userId) {
  let statements = 0;
  const q = (text, params) => {
    statements += 1;
    return db.query(text, params);
  };
  const { rows: conversations } = await q(
    `SELECT c.* , me.last_read_seq FROM participants me JOIN conversations c ON c.id = me.conversation_id
      WHERE me.user_id = $1 ORDER BY COALESCE(c.last_message_at, c.created_at) DESC, c.id`,
    [userId],
  );
  for (const c of conversations) {
    c.last = (await q(`SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY seq DESC LIMIT 1`, [c.id])).rows[0];
    c.unread = (await q(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND seq > $2 AND sender_id <> $3`, [c.id, c.last_read_seq, userId])).rows[0].n;
    c.participants = (
      await q(
        `SELECT p.user_id, u.username, u.full_name, u.avatar_url, u.last_seen_at, p.last_read_seq, p.last_delivered_seq
           FROM participants p JOIN users u ON u.id = p.user_id WHERE p.conversation_id = $1 ORDER BY p.joined_at, lower(u.username)`,
        [c.id],
      )
    ).rows;
  }
  return { count: conversations.length, statements };
}

export async function conversationListBench(ctx, server, seeded) {
  const cfg = ctx.cfg.convList;
  const { user } = seeded;
  const get = () => request(server.http, 'GET', '/conversations/', { token: user.token });
  const first = await get();
  if (first.status !== 200 || !Array.isArray(first.body) || first.body.length !== seeded.conversations) {
    throw new Error(`conversation list: ${first.status}, ${Array.isArray(first.body) ? first.body.length : JSON.stringify(first.body).slice(0, 200)}`);
  }
  const withUnread = first.body.filter((c) => c.has_unread).length;
  const unreadTotal = first.body.reduce((a, c) => a + c.unread_count, 0);
  for (let i = 0; i < 3; i++) await get();
  const measured = await quietly(ctx, 'conversation list', groupsFor(ctx, server), async () => {
    await server.handle.probe();
    const loop = await closedLoop({
      concurrency: 1,
      count: cfg.requests,
      maxMs: cfg.maxMs,
      task: async () => {
        const res = await get();
        return { ok: res.status === 200, ms: res.ms, error: String(res.status) };
      },
    });
    return { loop, probe: await server.handle.probe() };
  });
  const { loop, probe } = measured.value;
  const perRequest = (percent) => (loop.completed ? round(((percent / 100) * loop.ms) / loop.completed, 2) : null);
  const result = {
    serverCpuMsPerRequest: loop.completed ? round((probe.cpu.userMs + probe.cpu.systemMs) / loop.completed, 2) : null,
    postgresCpuMsPerRequest: perRequest(measured.cpu.postgres),
    cpu: measured.cpu,
    attempts: measured.attempts,
    disturbed: measured.disturbed,
    conversations: seeded.conversations,
    messages: seeded.messages,
    withUnread,
    unreadTotal,
    responseBytes: first.bytes,
    requests: loop.completed,
    failed: loop.failed,
    latency: summarize(loop.latencies),
    requestsPerSecond: round(loop.completed / (loop.ms / 1000), 1),
    statementsPerRequest: loop.completed ? round(probe.statements / loop.completed, 2) : null,
    serverCpuPercent: round(probe.cpu.percentOfOneCore, 1),
    eventLoopDelay: probe.eventLoopDelay,
  };
  log(`conversation list (${seeded.conversations}, ${withUnread} unread): p50/p99 ${result.latency.p50}/${result.latency.p99} ms, ${result.statementsPerRequest} statements/request`);

  const db = await connect(ctx.pg.url('chatflow'));
  try {
    await naiveList(db, user.id);
    const naive = [];
    let statements = 0;
    const t0 = performance.now();
    for (let i = 0; i < cfg.naiveIterations && performance.now() - t0 < cfg.naiveMaxMs; i++) {
      const t = performance.now();
      statements = (await naiveList(db, user.id)).statements;
      naive.push(performance.now() - t);
    }
    result.naive = { latency: summarize(naive), statementsPerRequest: statements };
    log(`naive N+1 list in SQL: p50/p99 ${result.naive.latency.p50}/${result.naive.latency.p99} ms, ${statements} statements`);
  } finally {
    await db.end();
  }
  return result;
}

// ---- history ------------------------------------------------------------------------------

export async function seedHistory(ctx, db) {
  const count = ctx.cfg.history.messages;
  const users = makeUsers('hist', 2);
  await seedUsers(db, users, ctx.passwordHash);
  const t0 = performance.now();
  const conversationId = await seedLongConversation(db, ctx.cipher, users.map((u) => u.id), count, (n) => log(`  history seed: ${n} messages`));
  const copyMs = performance.now() - t0;
  const t1 = performance.now();
  await db.query('VACUUM ANALYZE messages');
  // Write the seed's dirty pages back now, so the checkpoint is not charged to a later part.
  await db.query('CHECKPOINT');
  const vacuumMs = performance.now() - t1;
  for (const u of users) u.token = mintToken(ctx.secrets.secretKey, u.id, u.username, u.sid);
  const { rows } = await db.query('SELECT pg_total_relation_size($1) AS bytes', ['messages']);
  log(`history: ${count} messages seeded by COPY in ${Math.round(copyMs)} ms (+ VACUUM ANALYZE and CHECKPOINT ${Math.round(vacuumMs)} ms)`);
  return { conversationId, users, count, copyMs: round(copyMs, 0), vacuumMs: round(vacuumMs, 0), tableBytes: Number(rows[0].bytes) };
}

/** Unmeasured API requests per depth before the measured ones. */
export const HISTORY_WARMUP = 50;

export async function historyBench(ctx, server, seeded) {
  const cfg = ctx.cfg.history;
  const { conversationId, count } = seeded;
  const reader = seeded.users[1];
  const db = await connect(ctx.pg.url('chatflow'));
  const result = { messages: count, copyMs: seeded.copyMs, vacuumMs: seeded.vacuumMs, tableMB: round(seeded.tableBytes / 2 ** 20, 0), pageSize: 50, warmupRequests: HISTORY_WARMUP, depths: [] };
  try {
    const middleSeq = Math.floor(count / 2);
    const oldestSeq = 51; // before seq 51 → seqs 1..50, the last page
    const { rows } = await db.query('SELECT id, seq FROM messages WHERE conversation_id = $1 AND seq = ANY($2::bigint[])', [conversationId, [middleSeq, oldestSeq]]);
    const idOf = new Map(rows.map((r) => [Number(r.seq), r.id]));
    const depths = [
      { name: 'newest', before: null, beforeSeq: count + 1 },
      { name: 'middle', before: idOf.get(middleSeq), beforeSeq: middleSeq },
      { name: 'oldest', before: idOf.get(oldestSeq), beforeSeq: oldestSeq },
    ];
    for (const depth of depths) {
      const path = `/conversations/${conversationId}/messages?limit=50${depth.before ? `&before=${depth.before}` : ''}`;
      const check = await request(server.http, 'GET', path, { token: reader.token });
      if (check.status !== 200 || check.body.length !== 50 || !String(check.body[0]?.content).startsWith('history message')) {
        throw new Error(`history ${depth.name}: ${check.status} ${JSON.stringify(check.body).slice(0, 300)}`);
      }
      const expectFirst = depth.beforeSeq - 50;
      if (!check.body[0].content.startsWith(`history message ${expectFirst} `)) throw new Error(`history ${depth.name}: page starts at "${check.body[0].content.slice(0, 30)}", expected seq ${expectFirst}`);
      // Warm-up, not measured: the first requests of a route compile its code and fill caches.
      for (let i = 0; i < HISTORY_WARMUP; i++) await request(server.http, 'GET', path, { token: reader.token });

      const measured = await quietly(ctx, `history ${depth.name}`, groupsFor(ctx, server), async () => {
        await server.handle.probe();
        const api = await closedLoop({
          concurrency: 1,
          count: cfg.apiRequests,
          maxMs: cfg.maxMsPerCase,
          task: async () => {
            const res = await request(server.http, 'GET', path, { token: reader.token });
            return { ok: res.status === 200, ms: res.ms, error: String(res.status) };
          },
        });
        return { api, probe: await server.handle.probe() };
      });
      const { api, probe } = measured.value;

      const sqlLoop = async (text, params, n) =>
        closedLoop({
          concurrency: 1,
          count: n,
          maxMs: cfg.maxMsPerCase,
          task: async () => {
            const t = performance.now();
            const r = await db.query(text, params);
            return { ok: r.rows.length === 50, ms: performance.now() - t, error: `${r.rows.length} rows` };
          },
        });
      const keysetSql = `SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT 50`;
      const offsetSql = `SELECT ${COLUMNS} FROM messages WHERE conversation_id = $1 ORDER BY seq DESC OFFSET $2 LIMIT 50`;
      const offset = count - depth.beforeSeq + 1;
      const keyset = await sqlLoop(keysetSql, [conversationId, depth.beforeSeq], cfg.sqlRequests);
      await sqlLoop(offsetSql, [conversationId, offset], 1); // warm
      const offsetRun = await sqlLoop(offsetSql, [conversationId, offset], cfg.offsetRequests);
      const entry = {
        name: depth.name,
        offset,
        api: { ...summarize(api.latencies), failed: api.failed, statementsPerRequest: api.completed ? round(probe.statements / api.completed, 2) : null },
        keysetSql: summarize(keyset.latencies),
        offsetSql: summarize(offsetRun.latencies),
        eventLoopDelay: probe.eventLoopDelay,
        cpu: measured.cpu,
        attempts: measured.attempts,
        disturbed: measured.disturbed,
        serverCpuMsPerRequest: api.completed ? round((probe.cpu.userMs + probe.cpu.systemMs) / api.completed, 2) : null,
        postgresCpuMsPerRequest: api.completed ? round(((measured.cpu.postgres / 100) * api.ms) / api.completed, 2) : null,
      };
      result.depths.push(entry);
      log(`history ${depth.name} (OFFSET ${offset}): API p50/p99 ${entry.api.p50}/${entry.api.p99} ms, keyset SQL p99 ${entry.keysetSql.p99} ms, OFFSET SQL p99 ${entry.offsetSql.p99} ms`);
    }
  } finally {
    await db.end();
  }
  return result;
}
