// Where the server's CPU goes while it carries messages: a sampling profile (V8's profiler via
// the probe's inspector session) taken during one stepped run, aggregated by self time.
import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { steppedRuns } from './throughput.mjs';
import { round } from './util.mjs';

/** "where" a frame's code lives: a ChatFlow file, an npm package, a Node.js internal, or V8. */
function place(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return `npm: ${pkg[1]}`;
  const own = /\/backend\/dist\/(.+)$/.exec(url);
  if (own) return `chatflow: ${own[1]}`;
  if (url.startsWith('node:')) return `node: ${url.slice(5).split('/')[0]}`;
  return url.split('/').slice(-2).join('/');
}

/**
 * Frames that keep async context (AsyncLocalStorage, nestjs-pino's request context): the
 * promise hooks and async_hooks of Node.js before 24, AsyncContextFrame from Node.js 24 on.
 */
const ASYNC_CONTEXT = /^node:internal\/(async_hooks|async_local_storage|async_context_frame)\b/;
const ASYNC_CONTEXT_NAMES = /^(promise(Init|Before|After|Resolve)Hook(WithDestroyTracking)?|emit(Init|Before|After|Destroy|PromiseResolve)(Script|Native)?|AsyncContextFrame.*)$/;

export function summarizeProfile(file) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const places = new Map();
  const functions = new Map();
  let total = 0;
  let asyncContext = 0;
  const asyncContextFunctions = new Map();
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id);
    if (callFrame.functionName === '(idle)') continue;
    total += us;
    if (ASYNC_CONTEXT.test(callFrame.url) || ASYNC_CONTEXT_NAMES.test(callFrame.functionName)) {
      asyncContext += us;
      const fn = callFrame.functionName || '(anonymous)';
      asyncContextFunctions.set(fn, (asyncContextFunctions.get(fn) ?? 0) + us);
    }
    const where = place(callFrame.url, callFrame.functionName);
    places.set(where, (places.get(where) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'} — ${where}`;
    functions.set(fn, (functions.get(fn) ?? 0) + us);
  }
  const top = (map, count) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, us]) => ({ name, percent: round((us / total) * 100, 1) }));
  return {
    busyMs: round(total / 1000, 0),
    places: top(places, 14),
    functions: top(functions, 12),
    asyncContext: { percent: round((asyncContext / total) * 100, 1), functions: top(asyncContextFunctions, 6) },
  };
}

/** One step at `rate` msg/s on the given instance with the profiler running around it. */
export async function profileMessages(ctx, server, rate, { label = 'chatflow-1on1-profiled', pairs } = {}) {
  const file = join(ctx.tmp, `${label}.cpuprofile`);
  await server.handle.probe({ cpuProfile: 'start' });
  let run;
  try {
    [run] = await steppedRuns(ctx, [{ label, servers: [server], kind: 'direct', pairs }], [rate]);
  } finally {
    await server.handle.probe({ cpuProfile: 'stop', file });
  }
  const summary = summarizeProfile(file);
  // BENCH_PROFILE_DIR=dir keeps each .cpuprofile (Chrome DevTools → Performance opens them).
  if (process.env.BENCH_PROFILE_DIR) {
    mkdirSync(process.env.BENCH_PROFILE_DIR, { recursive: true });
    copyFileSync(file, join(process.env.BENCH_PROFILE_DIR, `${label}.cpuprofile`));
  }
  rmSync(file, { force: true });
  return { rate, step: run.steps[0], ...summary };
}
