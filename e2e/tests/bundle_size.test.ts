import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const DIST = join(__dirname, '..', '..', 'frontend', 'dist');
const BUDGET_BYTES = 200 * 1024;

/** The JavaScript a first visit downloads: the entry module and whatever index.html preloads. */
function initialScripts(): string[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const sources = [...html.matchAll(/<script[^>]+type="module"[^>]+src="([^"]+)"/g), ...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)];
  return sources.map((m) => join(DIST, m[1]));
}

describe('the web client’s size', () => {
  it('keeps the initial JavaScript under 200 KB gzipped (the README states the figure)', () => {
    if (!existsSync(join(DIST, 'index.html'))) throw new Error('frontend/dist is missing: `npm test` builds it (or npm run build -w frontend)');
    const scripts = initialScripts();
    expect(scripts.length).toBeGreaterThan(0);
    const gzipped = scripts.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
    console.log(`initial JavaScript: ${(gzipped / 1024).toFixed(1)} KB gzipped in ${scripts.length} file(s)`);
    expect(gzipped).toBeLessThan(BUDGET_BYTES);
  });
});
