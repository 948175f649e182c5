// Re-renders bench/RESULTS.md and bench/results.svg from bench/results.json (no measuring).
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeReport } from './lib/report.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const results = JSON.parse(readFileSync(`${benchDir}/results.json`, 'utf8'));
console.log(`wrote ${writeReport(benchDir, results).join(', ')}`);
