/**
 * How deep a request body or a WebSocket frame may nest objects and arrays: far deeper than
 * any of ours (they are flat but for lists of ids), far shallower than what overflows the
 * stack of the recursive validation (class-transformer) — a 500 before this bound existed.
 */
export const MAX_INPUT_DEPTH = 32;

/** Whether a parsed JSON value nests deeper than `limit` (the value itself is level 1); walks without recursion. */
export function nestedDeeperThan(value: unknown, limit = MAX_INPUT_DEPTH): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return false;
}
