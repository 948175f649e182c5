// Each output folder says which module format its .js files are, so Node and bundlers
// read dist/esm as ES modules and dist/cjs as CommonJS whatever the package declares.
import { writeFileSync } from 'node:fs';

writeFileSync(new URL('../dist/esm/package.json', import.meta.url), '{ "type": "module" }\n');
writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
