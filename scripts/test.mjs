// `npm test`: install what is missing (npm packages; redis-server and chromium from apt),
// type-check, lint (ESLint, dependency rules), build, then run every suite: the backend's
// unit specs, the web client's component tests, and the end-to-end suites on a real
// PostgreSQL, Redis, WebSockets and browser. Then the protocol, backend and end-to-end suites
// run a second time on Node.js 24 (tools/node24, pinned from the npm registry), unless this
// machine's Node already is 24 or newer (SKIP_NODE24=1 skips that second run outside CI).
// Prints one closing line, "tests: N passed, N failed", summing every runner of both runs; a
// failing linter or runner is named under "failing:" (and fails the run) without stopping
// the others.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ensureBackendBuilt,
  ensureFrontendBuilt,
  ensureInstalled,
  ensureNode24,
  ensureProtocolBuilt,
  ensureSystemPackages,
  ROOT,
  run,
} from './lib.mjs';

const JEST = join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js');
const reports = mkdtempSync(join(tmpdir(), 'chatflow-test-'));
const totals = { passed: 0, failed: 0 };
const failures = [];
const runs = [];

/** A linter: its report is printed as it goes; a failure is listed at the end. */
async function lint(name, script) {
  console.log(`\n> ${name}`);
  try {
    await run('npm', ['run', '--silent', script]);
  } catch {
    failures.push(name);
  }
}

/** One pass over some suites on one Node.js binary. */
function testRun(label, node) {
  const entry = { label, node, passed: 0, failed: 0, suites: [] };
  runs.push(entry);
  return entry;
}

async function jest(on, name, config, extra = []) {
  const report = join(reports, `${runs.indexOf(on)}-${name.replace(/\W+/g, '-')}.json`);
  const title = `${name} (${on.label})`;
  console.log(`\n> ${title}`);
  try {
    await run(on.node, [JEST, '-c', config, '--json', '--outputFile', report, ...extra]);
  } catch {
    failures.push(title);
  }
  let passed = 0;
  let failed = 0;
  try {
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed = result.numPassedTests;
    failed = result.numFailedTests + result.numRuntimeErrorTestSuites;
  } catch {
    failed = 1;
  }
  on.passed += passed;
  on.failed += failed;
  on.suites.push(`${name} ${passed}${failed ? ` (${failed} failed)` : ''}`);
  totals.passed += passed;
  totals.failed += failed;
}

/** The second run's Node.js 24, or why there is none. */
async function secondNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= 24) return { skip: `this machine's Node.js is ${process.version} already: the run above was on it` };
  const skip = ['1', 'true', 'yes'].includes(String(process.env.SKIP_NODE24 ?? '').toLowerCase());
  if (skip && !process.env.CI) return { skip: 'SKIP_NODE24 is set' };
  if (skip) console.log('> SKIP_NODE24 is ignored on CI: the Node.js 24 run is part of the test command');
  return ensureNode24();
}

await ensureInstalled();
await ensureSystemPackages({ 'redis-server': 'redis-server', chromium: 'chromium' });
let node24;
try {
  node24 = await secondNode();
} catch (error) {
  // Counted as a failure below; the machine's run goes ahead.
  node24 = { error: error.message };
  console.error(`> Node.js 24: ${error.message}`);
}
await ensureProtocolBuilt();
console.log('\n> type-check');
await run('npm', ['run', 'lint:types']);
await lint('lint', 'lint');
await lint('lint:deps', 'lint:deps');
await ensureBackendBuilt();
await ensureFrontendBuilt();

const machine = testRun(`Node.js ${process.version}, this machine's`, process.execPath);
await jest(machine, 'protocol', 'packages/protocol/jest.config.js');
await jest(machine, 'backend unit', 'backend/jest.config.js');
await jest(machine, 'web client', 'frontend/jest.config.js');
await jest(machine, 'end-to-end', 'e2e/jest.config.js');

// The same server-side suites on Node.js 24 (the web client's jsdom tests run once: they
// exercise the browser code, not the server's Node.js).
if (node24.binary) {
  const second = testRun(`Node.js ${node24.version}, tools/node24`, node24.binary);
  await jest(second, 'protocol', 'packages/protocol/jest.config.js');
  await jest(second, 'backend unit', 'backend/jest.config.js');
  await jest(second, 'end-to-end', 'e2e/jest.config.js');
} else if (node24.error) {
  failures.push('Node.js 24 install');
  totals.failed += 1;
}

console.log('');
for (const r of runs) console.log(`${r.label}: ${r.passed} passed / ${r.failed} failed — ${r.suites.join(', ')}`);
if (node24.skip) console.log(`Node.js 24 run skipped: ${node24.skip}`);
if (node24.error) console.log(`Node.js 24 run not done: ${node24.error}`);
console.log(`tests: ${totals.passed} passed, ${totals.failed} failed`);
if (failures.length || totals.failed) {
  console.error(`failing: ${failures.join(', ') || 'see above'}`);
  process.exit(1);
}
