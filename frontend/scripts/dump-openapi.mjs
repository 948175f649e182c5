// Refreshes the committed OpenAPI snapshot from a running backend:
//   node scripts/dump-openapi.mjs [http://localhost:8000/docs-json]
// then `npm run generate:api` regenerates src/api/schema.d.ts from it. The snapshot is
// committed so that building and testing the client never needs a running backend.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const url = process.argv[2] ?? 'http://localhost:8000/docs-json';
const target = fileURLToPath(new URL('../src/api/openapi.json', import.meta.url));

const response = await fetch(url);
if (!response.ok) {
  console.error(`GET ${url} answered ${response.status}`);
  process.exit(1);
}
const document = await response.json();
if (typeof document.openapi !== 'string' || typeof document.paths !== 'object') {
  console.error(`${url} did not return an OpenAPI document`);
  process.exit(1);
}
await writeFile(target, JSON.stringify(document, null, 2) + '\n');
console.log(`wrote ${target} (OpenAPI ${document.openapi}, ${Object.keys(document.paths).length} paths)`);
