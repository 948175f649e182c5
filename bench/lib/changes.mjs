// Part 8: messages that change — edits, reactions and change-feed pages per second over REST,
// beside message sends measured the same way in the same run (the reference), with the
// server's CPU and SQL statements per request.
import { closedLoop, request } from './http.mjs';
import { cpuDelta, cpuSnapshot } from './procs.mjs';
import { log, round, summarize } from './util.mjs';

const EMOJI = ['👍', '❤️', '😂', '😮'];

export async function changesBench(ctx, server) {
  const cfg = ctx.cfg.changes;
  const pairs = ctx.pairs.slice(0, cfg.conversations);
  const call = async (method, path, token, body) => {
    const res = await request(server.http, method, path, { token, body });
    return { ok: res.status < 300, ms: res.ms, error: `${res.status} ${JSON.stringify(res.body).slice(0, 120)}` };
  };

  // Fresh messages to change (inside the edit window), a few per conversation.
  const targets = [];
  for (const pair of pairs) {
    for (let i = 0; i < cfg.messagesPerConversation; i++) {
      const res = await request(server.http, 'POST', `/conversations/${pair.conversationId}/messages`, { token: pair.a.token, body: { content: `to change ${i}` } });
      if (res.status !== 201) throw new Error(`changes: seeding a message answered ${res.status} ${JSON.stringify(res.body)}`);
      targets.push({ pair, id: res.body.id });
    }
  }

  let serial = 0;
  const next = () => targets[serial++ % targets.length];
  const workloads = {
    sends: () => {
      const { pair } = next();
      return call('POST', `/conversations/${pair.conversationId}/messages`, pair.a.token, { content: `send ${serial}` });
    },
    edits: () => {
      const { pair, id } = next();
      return call('PATCH', `/conversations/${pair.conversationId}/messages/${id}`, pair.a.token, { content: `edit ${serial}` });
    },
    reactions: () => {
      const { pair, id } = next();
      // Each request a different emoji from the last one on that message: every one is a change.
      const emoji = EMOJI[Math.floor(serial / targets.length) % EMOJI.length];
      return call('PUT', `/conversations/${pair.conversationId}/messages/${id}/reactions/${encodeURIComponent(emoji)}`, pair.b.token);
    },
    feedPages: () => {
      const { pair } = next();
      return call('GET', `/conversations/${pair.conversationId}/events?after=0&limit=100`, pair.b.token);
    },
  };

  const groups = { server: [server.handle.pid], postgres: [ctx.pg.postmasterPid()], bench: { self: process.pid } };
  const result = { concurrency: cfg.concurrency, conversations: pairs.length, messages: targets.length };
  for (const [name, task] of Object.entries(workloads)) {
    await closedLoop({ concurrency: cfg.concurrency, count: 200, maxMs: 500, task }); // warm-up
    await server.handle.probe(); // starts the probe's window: the next ask covers the run only
    const snap = cpuSnapshot(groups);
    const run = await closedLoop({ concurrency: cfg.concurrency, count: 1_000_000, maxMs: cfg.windowMs, task });
    const cpu = cpuDelta(snap, cpuSnapshot(groups));
    const after = await server.handle.probe();
    result[name] = {
      perSecond: round(run.completed / (run.ms / 1000), 1),
      failed: run.failed,
      firstErrors: run.firstErrors,
      latency: summarize(run.latencies),
      cpu,
      eventLoopDelay: after.eventLoopDelay,
      statementsPerRequest: run.completed ? round(after.statements / run.completed, 2) : null,
    };
    log(`${name}: ${result[name].perSecond}/s, p50/p99 ${result[name].latency.p50}/${result[name].latency.p99} ms, ` +
      `cpu server ${cpu.server}% pg ${cpu.postgres}%, ${result[name].statementsPerRequest} statements each` +
      (run.failed ? `, ${run.failed} failed: ${run.firstErrors.join('; ')}` : ''));
  }
  return result;
}
