// Load generator, run as its own process (so its event loop doesn't share a thread with the
// bench's bookkeeping), driven by the bench over IPC. Plain `ws` clients on loopback.
//
// Commands ({id, cmd, ...} → {id, result} or {id, error}):
//   connect  {sockets: [{url, protocols?}], concurrency, timeoutMs} — open and wait for `ready`
//   plan     {senders: [{socket, conversationId, recipients}], contentBytes}
//   step     {rate, durationMs, drainMs, graceMs, tag} — open-loop sending at `rate` msg/s
//   stats    — this process's own CPU / event-loop delay / memory since the previous call
//   closeAll — close every socket (bounded wait)
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const sockets = [];
let senders = [];
let padding = '';
let current; // the running step's accounting
const closes = new Map();
let otherFrames = 0;

const eld = monitorEventLoopDelay({ resolution: 5 });
eld.enable();
let statsWindow = { at: performance.now(), cpu: process.cpuUsage() };

function onFrame(entry, data) {
  const now = performance.now();
  let frame;
  try {
    frame = JSON.parse(data.toString());
  } catch {
    return;
  }
  if (!entry.ready) {
    if (frame.type === 'ready') {
      entry.ready = true;
      entry.onReady?.(now);
    }
    return;
  }
  const step = current;
  if (!step) {
    otherFrames += 1;
    return;
  }
  switch (frame.type) {
    case 'ack': {
      const pending = step.pending.get(frame.client_id ?? frame.message?.client_id);
      if (!pending || pending.acked) return;
      pending.acked = true;
      step.ackLatency.push(now - pending.sentAt);
      step.ackTimes.push(now);
      if (pending.remaining === 0) step.pending.delete(pending.clientId);
      return;
    }
    case 'message': {
      const pending = step.pending.get(frame.message?.client_id);
      if (!pending || pending.remaining === 0) return;
      pending.remaining -= 1;
      step.deliveryLatency.push(now - pending.sentAt);
      step.deliveryTimes.push(now);
      if (pending.remaining === 0) {
        step.fullTimes.push(now);
        if (pending.acked) step.pending.delete(pending.clientId);
      }
      return;
    }
    case 'error': {
      step.errors[frame.code] = (step.errors[frame.code] ?? 0) + 1;
      const pending = frame.client_id && step.pending.get(frame.client_id);
      if (pending) step.pending.delete(frame.client_id);
      return;
    }
    default:
      step.otherFrames += 1;
  }
}

function open({ url, protocols }, timeoutMs) {
  return new Promise((resolve) => {
    const started = performance.now();
    const entry = { ws: undefined, ready: false };
    let settled = false;
    const finish = (ok, detail) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ok, entry, ms: performance.now() - started, detail });
    };
    const timer = setTimeout(() => {
      finish(false, 'timeout');
      entry.ws?.terminate();
    }, timeoutMs);
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    entry.ws = ws;
    entry.onReady = () => finish(true);
    ws.on('message', (data) => onFrame(entry, data));
    ws.on('error', (error) => finish(false, error.message));
    ws.on('close', (code) => {
      closes.set(code, (closes.get(code) ?? 0) + 1);
      finish(false, `closed ${code}`);
    });
  });
}

async function connect({ sockets: specs, concurrency = 100, timeoutMs = 30_000 }) {
  const t0 = performance.now();
  const latencies = [];
  const errors = {};
  let next = 0;
  let opened = 0;
  const base = sockets.length; // sockets[base + i] is specs[i], whatever order they open in
  sockets.length = base + specs.length;
  async function worker() {
    while (next < specs.length) {
      const index = next++;
      const { ok, entry, ms, detail } = await open(specs[index], timeoutMs);
      sockets[base + index] = entry;
      if (ok) {
        opened += 1;
        latencies.push(ms);
      } else {
        errors[detail] = (errors[detail] ?? 0) + 1;
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  const ms = performance.now() - t0;
  latencies.sort((a, b) => a - b);
  const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)] : null);
  return { requested: specs.length, opened, errors, ms, readyMs: { p50: pct(50), p99: pct(99), max: latencies.at(-1) ?? null } };
}

function plan({ senders: list, contentBytes = 120 }) {
  senders = list.map((s) => ({ ...s, entry: sockets[s.socket] }));
  padding = 'x'.repeat(Math.max(0, contentBytes - 24));
  return { senders: senders.length };
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function step({ rate, durationMs, drainMs = 2000, graceMs = 250, tag }) {
  const step = {
    pending: new Map(),
    ackLatency: [],
    deliveryLatency: [],
    ackTimes: [],
    deliveryTimes: [],
    fullTimes: [],
    errors: {},
    otherFrames: 0,
  };
  current = step;
  const cpu0 = process.cpuUsage();
  eld.reset();
  const t0 = performance.now();
  let sent = 0;
  let expectedDeliveries = 0;
  let notOpen = 0;
  let rr = 0;
  for (;;) {
    const now = performance.now();
    const elapsed = now - t0;
    if (elapsed >= durationMs) break;
    const due = Math.floor((rate * elapsed) / 1000) - sent;
    for (let i = 0; i < due; i++) {
      const sender = senders[rr++ % senders.length];
      sent += 1;
      const ws = sender.entry.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) {
        notOpen += 1;
        continue;
      }
      const clientId = `${tag}-${sent}`;
      const sentAt = performance.now();
      step.pending.set(clientId, { clientId, sentAt, remaining: sender.recipients, acked: false });
      expectedDeliveries += sender.recipients;
      ws.send(`{"type":"message","conversation_id":"${sender.conversationId}","client_id":"${clientId}","content":"${sentAt.toFixed(3)} ${padding}"}`);
    }
    await pause(2);
  }
  const tEnd = performance.now();
  const sendMs = tEnd - t0;
  const drainDeadline = tEnd + drainMs;
  while (step.pending.size && performance.now() < drainDeadline) await pause(10);
  const drainedMs = performance.now() - tEnd;
  current = undefined;
  const cpu = process.cpuUsage(cpu0);
  const wallMs = performance.now() - t0;
  const cutoff = tEnd + graceMs;
  const countBy = (times) => times.filter((t) => t <= cutoff).length;
  const summarize = (values) => {
    const sorted = Float64Array.from(values).sort();
    const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);
    return { count: sorted.length, p50: at(50), p95: at(95), p99: at(99), max: sorted.length ? sorted[sorted.length - 1] : null };
  };
  const attempted = sent - notOpen;
  const seconds = sendMs / 1000;
  return {
    tag,
    offeredRate: rate,
    sendMs,
    drainedMs,
    drained: step.pending.size === 0,
    sent: attempted,
    notOpen,
    sentRate: attempted / seconds,
    acked: step.ackTimes.length,
    storedRate: countBy(step.ackTimes) / seconds,
    fullyDelivered: step.fullTimes.length,
    deliveredRate: countBy(step.fullTimes) / seconds,
    deliveries: step.deliveryTimes.length,
    expectedDeliveries,
    deliveriesRate: countBy(step.deliveryTimes) / seconds,
    lost: attempted - step.fullTimes.length,
    unacked: attempted - step.ackTimes.length,
    latency: summarize(step.deliveryLatency),
    ackLatency: summarize(step.ackLatency),
    errors: step.errors,
    otherFrames: step.otherFrames,
    generator: {
      cpuPercent: ((cpu.user + cpu.system) / 1e3 / wallMs) * 100,
      eventLoopDelayP99: Math.max(0, eld.percentile(99) / 1e6 - 5),
      eventLoopDelayMax: Math.max(0, eld.max / 1e6 - 5),
    },
  };
}

function stats() {
  const now = performance.now();
  const cpu = process.cpuUsage(statsWindow.cpu);
  const result = {
    cpuPercent: ((cpu.user + cpu.system) / 1e3 / (now - statsWindow.at)) * 100,
    eventLoopDelayP99: Math.max(0, eld.percentile(99) / 1e6 - 5),
    rss: process.memoryUsage().rss,
    open: sockets.filter((s) => s.ws?.readyState === WebSocket.OPEN).length,
    closes: Object.fromEntries(closes),
    otherFrames,
  };
  statsWindow = { at: now, cpu: process.cpuUsage() };
  eld.reset();
  return result;
}

async function closeAll({ timeoutMs = 10_000 } = {}) {
  const open = sockets.filter((s) => s.ws && s.ws.readyState !== WebSocket.CLOSED);
  await Promise.race([
    Promise.all(
      open.map(
        (s) =>
          new Promise((resolve) => {
            s.ws.once('close', resolve);
            s.ws.close();
          }),
      ),
    ),
    pause(timeoutMs),
  ]);
  for (const s of sockets) s.ws?.terminate();
  const count = sockets.length;
  sockets.length = 0;
  senders = [];
  return { closed: count };
}

const commands = { connect, plan, step, stats, closeAll };

process.on('message', async (message) => {
  const { id, cmd, ...args } = message ?? {};
  if (cmd === 'exit') process.exit(0);
  const handler = commands[cmd];
  if (!handler) return process.send({ id, error: `unknown command ${cmd}` });
  try {
    process.send({ id, result: await handler(args) });
  } catch (error) {
    process.send({ id, error: error?.stack ?? String(error) });
  }
});
process.on('disconnect', () => process.exit(0));
