// `npm test`: install what is missing (npm packages; redis-server and chromium from apt),
// type-check, lint (ESLint, dependency rules), build, then run every suite: the backend's
// unit specs, the web client's component tests, and the end-to-end suites on a real
// PostgreSQL, Redis, WebSockets and browser. Prints one closing line,
// "tests: N passed, N failed", summing every runner; a failing linter or runner is named
// under "failing:" (and fails the run) without stopping the others.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBackendBuilt, ensureFrontendBuilt, ensureInstalled, ensureProtocolBuilt, ensureSystemPackages, run } from './lib.mjs';

const reports = mkdtempSync(join(tmpdir(), 'chatflow-test-'));
const totals = { passed: 0, failed: 0 };
const failures = [];

/** A linter: its report is printed as it goes; a failure is listed at the end. */
async function lint(name, script) {
  console.log(`\n> ${name}`);
  try {
    await run('npm', ['run', '--silent', script]);
  } catch {
    failures.push(name);
  }
}

async function jest(name, config, extra = []) {
  const report = join(reports, `${name}.json`);
  console.log(`\n> ${name}`);
  try {
    await run('npx', ['jest', '-c', config, '--json', '--outputFile', report, ...extra]);
  } catch {
    failures.push(name);
  }
  try {
    const result = JSON.parse(readFileSync(report, 'utf8'));
    totals.passed += result.numPassedTests;
    totals.failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
  } catch {
    totals.failed += 1;
  }
}

await ensureInstalled();
await ensureSystemPackages({ 'redis-server': 'redis-server', chromium: 'chromium' });
await ensureProtocolBuilt();
console.log('\n> type-check');
await run('npm', ['run', 'lint:types']);
await lint('lint', 'lint');
await lint('lint:deps', 'lint:deps');
await ensureBackendBuilt();
await ensureFrontendBuilt();
await jest('protocol', 'packages/protocol/jest.config.js');
await jest('backend unit', 'backend/jest.config.js');
await jest('web client', 'frontend/jest.config.js');
await jest('end-to-end', 'e2e/jest.config.js');

console.log(`\ntests: ${totals.passed} passed, ${totals.failed} failed`);
if (failures.length || totals.failed) {
  console.error(`failing: ${failures.join(', ') || 'see above'}`);
  process.exit(1);
}
