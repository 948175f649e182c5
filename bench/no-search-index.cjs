// Preloaded (`--require`) into a ChatFlow server by the bench only, to measure what the search
// index costs the write path: messages are stored with no tokens (an empty array), so nothing
// is normalised, segmented or hashed for them. Nothing else changes. Used with the `compare`
// part, e.g. (paths absolute, as the server's working directory may differ):
//   BENCH_ONLY=compare BENCH_COMPARE="index-on=node --max-semi-space-size=64; \
//     index-off=node --max-semi-space-size=64 --require $PWD/bench/no-search-index.cjs" npm run bench
const { join } = require('node:path');

const { BlindIndex } = require(join(__dirname, '..', 'backend', 'dist', 'platform', 'crypto', 'blind-index.js'));
BlindIndex.prototype.messageTokens = () => [];
