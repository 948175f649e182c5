'use strict';
/*
 * Loaded into a measured server with `node --require bench/probe.cjs <main>` (the server's
 * code is not changed). Over the IPC channel the bench process asks for a snapshot of
 * this process since the previous one:
 *   - event-loop delay (perf_hooks.monitorEventLoopDelay): p50, p99, max, mean in ms;
 *   - CPU (process.cpuUsage deltas over the window) as % of one core;
 *   - memory (process.memoryUsage; after a full GC when asked and --expose-gc is on);
 *   - SQL statements sent: every `pg` Client.prototype.query call, counted per process.
 * Request: {probe: <id>, gc?: boolean}. Reply: {probe: <id>, stats: {...}}. Each snapshot
 * resets the window. Also, on request: {heapSnapshot: file} writes a V8 heap snapshot, and
 * {cpuProfile: 'start'} / {cpuProfile: 'stop', file} runs V8's sampling profiler through an
 * in-process inspector session.
 */
const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
const path = require('node:path');

const RESOLUTION_MS = 5;
const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
histogram.enable();

let statements = 0;
const patched = new Set();
function patchPg(fromDir) {
  let file;
  try {
    file = require.resolve('pg', { paths: [fromDir] });
  } catch {
    return;
  }
  if (patched.has(file)) return;
  patched.add(file);
  const pg = require(file);
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function countedQuery(...args) {
    statements += 1;
    return original.apply(this, args);
  };
}
const mainDir = process.argv[1] ? path.dirname(path.resolve(process.argv[1])) : process.cwd();
patchPg(mainDir);
// TypeORM loads `pg` from its own location: patch that copy too if it is another one.
try {
  patchPg(path.dirname(require.resolve('typeorm/package.json', { paths: [mainDir] })));
} catch {
  /* no TypeORM in this process (the baseline) */
}

let window = { at: performance.now(), cpu: process.cpuUsage(), statements: 0 };

function snapshot(gc) {
  // CPU and delay first: a forced GC is neither part of this window nor of the next.
  const now = performance.now();
  const cpu = process.cpuUsage(window.cpu);
  const elapsedMs = now - window.at;
  if (gc && typeof global.gc === 'function') {
    global.gc();
    global.gc();
  }
  const memory = process.memoryUsage();
  // The histogram records the time between timer ticks; the delay is what exceeds the tick.
  const delay = (v) => Math.max(0, Math.round((v / 1e6 - RESOLUTION_MS) * 1000) / 1000);
  const stats = {
    pid: process.pid,
    windowMs: Math.round(elapsedMs),
    eventLoopDelay: {
      p50: delay(histogram.percentile(50)),
      p99: delay(histogram.percentile(99)),
      max: delay(histogram.max),
      mean: Number.isFinite(histogram.mean) ? delay(histogram.mean) : 0,
      samples: histogram.count,
    },
    cpu: {
      userMs: cpu.user / 1e3,
      systemMs: cpu.system / 1e3,
      percentOfOneCore: elapsedMs > 0 ? (((cpu.user + cpu.system) / 1e3) / elapsedMs) * 100 : 0,
    },
    memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal, external: memory.external, arrayBuffers: memory.arrayBuffers },
    statements: statements - window.statements,
    statementsTotal: statements,
    gcForced: Boolean(gc && typeof global.gc === 'function'),
  };
  histogram.reset();
  window = { at: performance.now(), cpu: process.cpuUsage(), statements };
  return stats;
}

let session;
function post(method, params) {
  return new Promise((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
}
async function cpuProfile(action, file) {
  if (action === 'start') {
    const inspector = require('node:inspector');
    session = new inspector.Session();
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 500 });
    await post('Profiler.start');
    return;
  }
  const { profile } = await post('Profiler.stop');
  require('node:fs').writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  session = undefined;
}

if (typeof process.send === 'function') {
  process.on('message', (message) => {
    if (!message || message.probe === undefined) return;
    if (message.cpuProfile) {
      // Sampling CPU profile of this process between 'start' and 'stop' (written to message.file).
      cpuProfile(message.cpuProfile, message.file)
        .then(() => process.send({ probe: message.probe, stats: { file: message.file } }))
        .catch((error) => process.send({ probe: message.probe, error: String(error && error.message) }));
      return;
    }
    if (message.heapSnapshot) {
      // A heap snapshot (after a full GC) for the bench's per-connection breakdown.
      try {
        if (typeof global.gc === 'function') global.gc();
        const file = require('node:v8').writeHeapSnapshot(message.heapSnapshot);
        process.send({ probe: message.probe, stats: { file } });
      } catch (error) {
        process.send({ probe: message.probe, error: String(error && error.message) });
      }
      return;
    }
    try {
      process.send({ probe: message.probe, stats: snapshot(Boolean(message.gc)) });
    } catch (error) {
      process.send({ probe: message.probe, error: String(error && error.message) });
    }
  });
  // The channel must not keep a server alive once it has decided to exit.
  if (process.channel && typeof process.channel.unref === 'function') process.channel.unref();
  process.on('disconnect', () => {
    /* the bench went away: nothing to report to any more */
  });
}
