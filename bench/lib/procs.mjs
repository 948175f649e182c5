// Child processes of the bench (servers, load generators, redis): started with a raised
// file-descriptor limit, tracked so that every one is stopped at the end (even on failure),
// probed over IPC, and measured from /proc.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { sleep, withTimeout } from './util.mjs';

const children = new Set();

/** The soft fd limit a child gets after `ulimit -n <wanted>` (the hard limit caps it unless we may raise it). */
export function fdLimits(wanted) {
  const sh = (script) => execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' }).trim();
  const hard = sh('ulimit -Hn');
  const effective = Number(sh(`ulimit -n ${wanted} 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; ulimit -n`));
  return { wanted, hard: hard === 'unlimited' ? Infinity : Number(hard), effective };
}

/**
 * Spawns `node [nodeArgs] script [args]` through /bin/sh, raising the fd limit first (as far
 * as the hard limit allows), with an IPC channel. `exec` keeps the pid: child.pid is node's.
 * `node` is the bench's own Node.js unless another binary is given.
 */
export function spawnNode(name, script, { args = [], nodeArgs = [], env = {}, fdLimit = 1024, cwd, node = process.execPath } = {}) {
  const child = spawn(
    '/bin/sh',
    ['-c', 'ulimit -n "$0" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null; shift; exec "$@"', String(fdLimit), 'x', node, ...nodeArgs, script, ...args],
    { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  return track(name, child);
}

export function spawnCommand(name, command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  return track(name, child);
}

function track(name, child) {
  let output = '';
  const keep = (chunk) => {
    output += chunk.toString();
    if (output.length > 64_000) output = output.slice(-32_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (error) => keep(`spawn error: ${error.message}\n`));
  const handle = {
    name,
    child,
    get pid() {
      return child.pid;
    },
    output: () => output,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    probe: (options) => probe(handle, options),
    stop: (timeoutMs) => stopChild(handle, timeoutMs),
  };
  children.add(handle);
  child.on('exit', () => children.delete(handle));
  return handle;
}

let probeIds = 0;
/** Asks a `--require probe.cjs` process for its stats since the previous ask (see probe.cjs). */
export function probe(handle, { gc = false, heapSnapshot, cpuProfile, file } = {}) {
  const id = ++probeIds;
  const { child } = handle;
  return withTimeout(
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message?.probe !== id) return;
        child.off('message', onMessage);
        if (message.error) reject(new Error(`${handle.name} probe: ${message.error}`));
        else resolve(message.stats);
      };
      child.on('message', onMessage);
      child.send({ probe: id, gc, heapSnapshot, cpuProfile, file });
    }),
    heapSnapshot ? 120_000 : 30_000,
    `${handle.name} probe`,
  );
}

/** SIGTERM, then SIGKILL after timeoutMs. */
export async function stopChild(handle, timeoutMs = 10_000) {
  const { child } = handle;
  if (handle.exited()) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

export async function stopAll(timeoutMs = 5_000) {
  await Promise.all([...children].map((handle) => stopChild(handle, timeoutMs).catch(() => undefined)));
}

/** Last resort (process exit): SIGKILL whatever is still running, synchronously. */
export function killAllNow() {
  for (const { child } of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/** Polls GET /health until it answers 200; fails early if the process exits. */
export async function waitHealthy(handle, baseUrl, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (handle.exited()) throw new Error(`${handle.name} exited before it was healthy:\n${handle.output().slice(-4000)}`);
    const status = await new Promise((resolve) => {
      const req = get(`${baseUrl}/health`, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', () => resolve(0));
      req.setTimeout(2000, () => req.destroy());
    });
    if (status === 200) return;
    await sleep(150);
  }
  throw new Error(`${handle.name} not healthy within ${timeoutMs} ms:\n${handle.output().slice(-4000)}`);
}

// ---- /proc accounting ------------------------------------------------------------------

let clockTicks;
function ticksPerSecond() {
  if (!clockTicks) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** {comm, ppid, self: utime+stime, children: cutime+cstime, start} in ticks, or undefined if gone. */
function procStat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return {
      comm: text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')),
      ppid: Number(fields[1]),
      self: Number(fields[11]) + Number(fields[12]),
      children: Number(fields[13]) + Number(fields[14]),
      start: Number(fields[19]),
    };
  } catch {
    return undefined;
  }
}

function allProcesses() {
  const list = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(Number(entry));
    if (stat) list.push({ pid: Number(entry), ...stat });
  }
  return list;
}

/** Busy ticks of the whole machine (all cores) from /proc/stat. */
function machineBusy() {
  const [line] = readFileSync('/proc/stat', 'utf8').split('\n');
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - v[3] - (v[4] ?? 0), total };
}

/**
 * CPU time of named process groups: each group is a list of root pids whose own time plus
 * the time of their (live and reaped) descendants counts (postgres: the postmaster).
 */
export function cpuSnapshot(groups) {
  const processes = allProcesses();
  const byParent = new Map();
  for (const p of processes) {
    if (!byParent.has(p.ppid)) byParent.set(p.ppid, []);
    byParent.get(p.ppid).push(p);
  }
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const result = { at: performance.now(), machine: machineBusy(), groups: {}, processes: byPid, covered: new Set() };
  for (const [name, spec] of Object.entries(groups)) {
    // A list of pids counts each with its descendants; {self: pid} counts that process alone
    // (the bench itself: its descendants are the processes measured in the other groups).
    if (!Array.isArray(spec)) {
      result.groups[name] = byPid.get(spec.self)?.self ?? 0;
      result.covered.add(spec.self);
      continue;
    }
    let ticks = 0;
    for (const pid of spec.filter(Boolean)) {
      const root = byPid.get(pid);
      if (!root) continue;
      ticks += root.self + root.children;
      result.covered.add(pid);
      const stack = [...(byParent.get(pid) ?? [])];
      while (stack.length) {
        const p = stack.pop();
        ticks += p.self;
        result.covered.add(p.pid);
        stack.push(...(byParent.get(p.pid) ?? []));
      }
    }
    result.groups[name] = ticks;
  }
  return result;
}

function describe(pid, comm) {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    const words = cmd.slice(0, 3).map((w) => w.split('/').slice(-2).join('/'));
    return words.join(' ').slice(0, 60) || comm;
  } catch {
    return comm;
  }
}

/** The processes outside the measured groups that used the most CPU in the window. */
function topOthers(before, after, hz, seconds) {
  const usage = [];
  for (const [pid, p] of after.processes) {
    if (after.covered.has(pid)) continue;
    const prev = before.processes.get(pid);
    const ticks = prev && prev.start === p.start ? p.self - prev.self : p.self;
    if (ticks > 0) usage.push({ pid, comm: p.comm, ticks });
  }
  usage.sort((a, b) => b.ticks - a.ticks);
  return usage.slice(0, 3).map((u) => ({ process: describe(u.pid, u.comm), percent: Math.round((u.ticks / hz / seconds) * 1000) / 10 }));
}

/** % of one core per group over the window between two snapshots, plus the machine and "other". */
export function cpuDelta(before, after) {
  const seconds = (after.at - before.at) / 1000;
  const hz = ticksPerSecond();
  const out = {};
  let known = 0;
  for (const name of Object.keys(after.groups)) {
    const ticks = after.groups[name] - (before.groups[name] ?? 0);
    known += ticks;
    out[name] = Math.round((ticks / hz / seconds) * 1000) / 10;
  }
  const busyTicks = after.machine.busy - before.machine.busy;
  const totalTicks = after.machine.total - before.machine.total;
  const cores = totalTicks / hz / seconds;
  out.machine = Math.round((busyTicks / hz / seconds) * 1000) / 10;
  // Per-process times are exact, the machine's are sampled per tick: a few % of skew either
  // way, so a slightly negative remainder is reported as 0 (the raw value is kept).
  out.otherRaw = Math.round(((busyTicks - known) / hz / seconds) * 1000) / 10;
  out.other = Math.max(0, out.otherRaw);
  out.capacity = Math.round(cores) * 100;
  out.topOther = topOthers(before, after, hz, seconds);
  return out;
}
