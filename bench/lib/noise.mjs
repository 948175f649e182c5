// Other engineers' work shares this machine. A measurement during which processes outside the
// bench used more than NOISE_PERCENT of a core is taken again once (time permitting), and the
// quieter of the two is kept; what disturbed it is recorded either way.
import { cpuDelta, cpuSnapshot } from './procs.mjs';
import { log } from './util.mjs';

export const NOISE_PERCENT = 25;

export function groupsFor(ctx, server, extra = {}) {
  return { server: [server.handle.pid], postgres: [ctx.pg.postmasterPid()], bench: { self: process.pid }, ...extra };
}

export async function quietly(ctx, label, groups, fn) {
  const attempt = async () => {
    const before = cpuSnapshot(groups);
    const value = await fn();
    return { value, cpu: cpuDelta(before, cpuSnapshot(groups)) };
  };
  const first = await attempt();
  if (first.cpu.other <= NOISE_PERCENT || ctx.overBudget()) return { ...first, attempts: 1, disturbed: first.cpu.other > NOISE_PERCENT };
  log(`${label}: other processes used ${first.cpu.other} % of a core (${first.cpu.topOther.map((o) => `${o.process} ${o.percent}%`).join(', ')}): measuring again`);
  const second = await attempt();
  const kept = second.cpu.other <= first.cpu.other ? second : first;
  return { ...kept, attempts: 2, disturbed: kept.cpu.other > NOISE_PERCENT, otherAttemptCpu: (kept === first ? second : first).cpu };
}
