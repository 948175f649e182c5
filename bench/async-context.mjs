// The cost of an active AsyncLocalStorage (nestjs-pino keeps each request's context in one)
// on promise-heavy code, on the Node.js that runs this file: Node.js 20 and 22 propagate the
// store with promise hooks (a JS callback per promise), Node.js 24 with AsyncContextFrame.
//
//   node bench/async-context.mjs
//   tools/node24/node_modules/node/bin/node bench/async-context.mjs
//
// Each round makes ROUNDS × (DEPTH + 1) async calls (an async function awaiting DEPTH nested
// ones), timed three ways, best of 5 rounds each: before any AsyncLocalStorage was used,
// inside `storage.run(store, …)`, and outside it afterwards (on Node.js before 24 the promise
// hooks, once on, stay on for every promise of the process).
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';

const ROUNDS = 20_000;
const DEPTH = 10;
const storage = new AsyncLocalStorage();

async function leaf(i) {
  await null;
  return i;
}
async function chain(depth, i) {
  return depth === 0 ? leaf(i) : (await chain(depth - 1, i)) + 1;
}
async function work() {
  let sum = 0;
  for (let i = 0; i < ROUNDS; i++) sum += await chain(DEPTH, i);
  return sum;
}
async function best(fn) {
  let min = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

await work(); // warm-up
const before = await best(work);
const inside = await best(() => storage.run({ reqId: 1 }, work));
const after = await best(work);
const calls = ROUNDS * (DEPTH + 1);
const ns = (ms) => ((ms * 1e6) / calls).toFixed(0);
console.log(
  `${process.version}: ns per async call — no AsyncLocalStorage yet ${ns(before)}, inside storage.run ${ns(inside)} ` +
    `(×${(inside / before).toFixed(2)}), outside it afterwards ${ns(after)} (×${(after / before).toFixed(2)})`,
);
