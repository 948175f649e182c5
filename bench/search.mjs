// `npm run bench:search -w bench` (needs `npm run build -w backend`): the search index's
// storage choice measured on an embedded PostgreSQL of its own, in one run —
//   • GIN over messages.search_tokens (int4[]), what ChatFlow stores, against a token table
//     (token, conversation_id, seq) with a B-tree, for one conversation of SEARCH_BENCH_MESSAGES
//     messages (default 1,000,000) and for a user in 1,000 conversations of 200 messages;
//     newest 21 candidates, p50/p99 of SEARCH_BENCH_QUERIES queries per case; for the user,
//     both one statement over every conversation and the server's walk (conversations by
//     last activity, newest first, in batches of 16, 32, 64…, stopping once 21 candidates are
//     newer than the next conversation's last message);
//   • the baseline, decrypting and scanning the conversation on the server (measured on
//     20,000 real ciphertexts with the backend's own cipher and word rules, scaled linearly);
//   • index size per message, and the write path's cost per message of making its tokens.
// Tokens follow a skewed vocabulary (a few very common words, a long tail), 15 per message.
// Prints a Markdown report (bench/README.md quotes one).
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from './lib/db.mjs';
import { startPostgres } from './lib/servers.mjs';
import { log, summarize } from './lib/util.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'backend', 'package.json'));
const { BlindIndex } = require('./dist/platform/crypto/blind-index.js');
const { ContentCipher } = require('./dist/platform/crypto/content-cipher.js');
const { matchesQuery, searchWords } = require('@chatflow/protocol');

const MESSAGES = Number(process.env.SEARCH_BENCH_MESSAGES ?? 1_000_000);
const QUERIES = Number(process.env.SEARCH_BENCH_QUERIES ?? 200);
const CONVERSATIONS = 1000;
const PER_CONVERSATION = 200;
const VOCABULARY = 50_000;
const WORDS_PER_MESSAGE = 15;
const LIMIT = 21;
/** Vocabulary ranks: 0 is the most frequent word. */
const WORDS = { common: 0, mid: 3000, rare: 45000 };

/** Conversations asked by the walk's first statement, doubling after (as backend/src/search/search.service.ts). */
const FIRST_BATCH = 16;

/** Tokens of conversation c: distinct per conversation, as per-conversation keys make them. */
const token = (c, rank) => c * 100_000 + rank;

async function time(db, text, params) {
  const samples = [];
  for (let i = 0; i < QUERIES; i++) {
    const t0 = process.hrtime.bigint();
    // Unnamed, as the server's search runs it: planned for its actual tokens each time.
    await db.query(text, params(i));
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return summarize(samples);
}

/** Search order, newest first: created_at, then conversation, then seq, all descending. */
const newestFirst = (a, b) => b.created_at - a.created_at || b.conversation_id - a.conversation_id || Number(b.seq) - Number(a.seq);

/**
 * The server's walk over a user's conversations: read them by last activity, then ask batches
 * of them (one statement each, doubling), merging each batch's newest LIMIT, until LIMIT found
 * are newer than the next conversation's last message. Answers the statements it took.
 */
async function walk(db, perBatch, users, tokenOf) {
  const { rows: scopes } = await db.query(
    `SELECT id, last_message_at FROM conversations WHERE id = ANY($1::int[]) ORDER BY last_message_at DESC, id DESC`,
    [users],
  );
  let found = [];
  let statements = 1;
  for (let start = 0, size = FIRST_BATCH; start < scopes.length; start += size, size *= 2) {
    const next = scopes[start];
    const kth = found[LIMIT - 1];
    if (kth && (kth.created_at > next.last_message_at || (+kth.created_at === +next.last_message_at && kth.conversation_id > next.id))) break;
    const batch = scopes.slice(start, start + size).map((s) => s.id);
    const { rows } = await db.query(perBatch, [batch, batch.map(tokenOf), 1]);
    statements++;
    found = [...found, ...rows].sort(newestFirst).slice(0, LIMIT);
  }
  return statements;
}

const statementsOf = (stats) => (stats.statements ? ` (${stats.statements} statements)` : '');

async function timeWalk(db, perBatch, users, tokenOf) {
  const samples = [];
  const statements = [];
  for (let i = 0; i < QUERIES; i++) {
    const t0 = process.hrtime.bigint();
    statements.push(await walk(db, perBatch, users, tokenOf));
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { ...summarize(samples), statements: summarize(statements).p50 };
}

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'chatflow-search-bench-'));
  chmodSync(tmp, 0o755); // PostgreSQL runs as the `postgres` user when we are root
  const pg = await startPostgres(root, join(tmp, 'pg'));
  const db = await connect(pg.url('chatflow'));
  const report = [];
  try {
    log(`seeding one conversation of ${MESSAGES} messages and ${CONVERSATIONS} of ${PER_CONVERSATION}`);
    await db.query(`CREATE TABLE messages (conversation_id int, seq bigint, created_at timestamptz, search_tokens int4[], PRIMARY KEY (conversation_id, seq))`);
    // Conversation 0 is the big one; 1..CONVERSATIONS are the user's.
    const seed = (conversation, n) =>
      db.query(
        `INSERT INTO messages SELECT $1, s, now() - ($2 - s) * interval '1 second',
           ARRAY(SELECT DISTINCT $1 * 100000 + floor($3 * random() ^ 3)::int FROM generate_series(1, $4) WHERE s > 0)
         FROM generate_series(1, $2::int) s`,
        [conversation, n, VOCABULARY, WORDS_PER_MESSAGE],
      );
    await seed(0, MESSAGES);
    await db.query(`INSERT INTO messages SELECT c, s, now() - (${PER_CONVERSATION} - s) * interval '1 minute' - c * interval '1 second',
        ARRAY(SELECT DISTINCT c * 100000 + floor(${VOCABULARY} * random() ^ 3)::int FROM generate_series(1, ${WORDS_PER_MESSAGE}) WHERE s > 0)
      FROM generate_series(1, ${CONVERSATIONS}) c, generate_series(1, ${PER_CONVERSATION}) s`);
    log('building the GIN index and the token table');
    await db.query(`CREATE INDEX messages_search_tokens_idx ON messages USING gin (search_tokens)`);
    // What the server reads a conversation's last activity from (conversations.last_message_at).
    await db.query(`CREATE TABLE conversations AS SELECT conversation_id AS id, max(created_at) AS last_message_at FROM messages GROUP BY 1`);
    await db.query(`ALTER TABLE conversations ADD PRIMARY KEY (id)`);
    await db.query(`CREATE TABLE message_tokens (token int, conversation_id int, seq bigint, PRIMARY KEY (token, conversation_id, seq))`);
    await db.query(`INSERT INTO message_tokens SELECT DISTINCT unnest(search_tokens), conversation_id, seq FROM messages`);
    await db.query(`VACUUM ANALYZE messages`);
    await db.query(`VACUUM ANALYZE message_tokens`);

    const total = MESSAGES + CONVERSATIONS * PER_CONVERSATION;
    const sizes = (
      await db.query(`SELECT pg_relation_size('messages_search_tokens_idx') AS gin, pg_total_relation_size('message_tokens') AS tokens,
                             (SELECT avg(pg_column_size(search_tokens)) FROM messages) AS column_bytes,
                             (SELECT count(*) FROM message_tokens) AS token_rows`)
    ).rows[0];
    const frequency = async (rank) =>
      Number((await db.query(`SELECT count(*) AS n FROM message_tokens WHERE token = $1`, [token(0, rank)])).rows[0].n);

    const gin = `SELECT seq FROM messages WHERE conversation_id = $1 AND search_tokens @> $2::int[] ORDER BY seq DESC LIMIT ${LIMIT}`;
    const table1 = `SELECT seq FROM message_tokens WHERE token = $2 AND conversation_id = $1 ORDER BY seq DESC LIMIT ${LIMIT}`;
    const table2 = `SELECT t.seq FROM message_tokens t WHERE t.token = $2 AND t.conversation_id = $1
        AND EXISTS (SELECT 1 FROM message_tokens u WHERE u.token = $3 AND u.conversation_id = $1 AND u.seq = t.seq)
      ORDER BY t.seq DESC LIMIT ${LIMIT}`;
    const ginUser = `SELECT m.* FROM unnest($1::int[]) WITH ORDINALITY AS s(conversation_id, i) CROSS JOIN LATERAL (
        SELECT conversation_id, seq, created_at FROM messages m
         WHERE m.conversation_id = s.conversation_id AND m.search_tokens @> ($2::int[])[(s.i - 1) * $3 + 1 : s.i * $3]
         ORDER BY m.seq DESC LIMIT ${LIMIT}) m ORDER BY m.created_at DESC LIMIT ${LIMIT}`;
    const tableUser = `SELECT m.* FROM unnest($1::int[]) WITH ORDINALITY AS s(conversation_id, i) CROSS JOIN LATERAL (
        SELECT t.conversation_id, t.seq FROM message_tokens t
         WHERE t.token = ($2::int[])[s.i] AND t.conversation_id = s.conversation_id ORDER BY t.seq DESC LIMIT ${LIMIT}) m
       JOIN messages x ON x.conversation_id = m.conversation_id AND x.seq = m.seq ORDER BY x.created_at DESC LIMIT ${LIMIT}`;
    // The same for a batch of the walk ($3 unused: one token per conversation), with what the merge orders by.
    const ginBatch = `SELECT m.* FROM unnest($1::int[]) WITH ORDINALITY AS s(conversation_id, i) CROSS JOIN LATERAL (
        SELECT conversation_id, seq, created_at FROM messages m
         WHERE m.conversation_id = s.conversation_id AND m.search_tokens @> ($2::int[])[(s.i - 1) * $3 + 1 : s.i * $3]
         ORDER BY m.seq DESC LIMIT ${LIMIT}) m ORDER BY m.created_at DESC, m.conversation_id DESC, m.seq DESC LIMIT ${LIMIT}`;
    const tableBatch = `SELECT m.conversation_id, m.seq, x.created_at FROM unnest($1::int[]) WITH ORDINALITY AS s(conversation_id, i) CROSS JOIN LATERAL (
        SELECT t.conversation_id, t.seq FROM message_tokens t
         WHERE t.token = ($2::int[])[s.i] AND t.conversation_id = s.conversation_id AND $3::int = 1 ORDER BY t.seq DESC LIMIT ${LIMIT}) m
       JOIN messages x ON x.conversation_id = m.conversation_id AND x.seq = m.seq
       ORDER BY x.created_at DESC, m.conversation_id DESC, m.seq DESC LIMIT ${LIMIT}`;
    const users = Array.from({ length: CONVERSATIONS }, (_, i) => i + 1);

    const rows = [];
    for (const [name, ranks] of [
      ['rare word', [WORDS.rare]],
      ['mid word', [WORDS.mid]],
      ['common word', [WORDS.common]],
      ['common + mid word', [WORDS.common, WORDS.mid]],
    ]) {
      log(`one conversation: ${name}`);
      const tokens = ranks.map((r) => token(0, r));
      const ginStats = await time(db, gin, () => [0, tokens]);
      const tableStats = await time(db, ranks.length === 1 ? table1 : table2, () => [0, ...tokens]);
      rows.push({ scope: `1 conversation of ${MESSAGES.toLocaleString('en')}`, name, matches: await frequency(ranks[0]), gin: ginStats, table: tableStats });
    }
    for (const [name, rank] of [
      ['rare word', WORDS.rare],
      ['mid word', WORDS.mid],
      ['common word', WORDS.common],
    ]) {
      log(`user in ${CONVERSATIONS} conversations: ${name}`);
      const tokens = users.map((c) => token(c, rank));
      rows.push({
        scope: `user in ${CONVERSATIONS} conversations, one statement`,
        name,
        matches: null,
        gin: await time(db, ginUser, () => [users, tokens, 1]),
        table: await time(db, tableUser, () => [users, tokens]),
      });
      rows.push({
        scope: `user in ${CONVERSATIONS} conversations, walked by last activity (what the server does)`,
        name,
        matches: null,
        gin: await timeWalk(db, ginBatch, users, (c) => token(c, rank)),
        table: await timeWalk(db, tableBatch, users, (c) => token(c, rank)),
      });
    }

    log('decrypt-and-scan baseline and the write path, on real ciphertexts');
    const cipher = new ContentCipher({ current: randomBytes(32), previous: [] });
    const index = new BlindIndex(randomBytes(32));
    const vocabulary = Array.from({ length: 2000 }, (_, i) => `word${i.toString(36)}`);
    const texts = Array.from({ length: 20_000 }, () =>
      Array.from({ length: WORDS_PER_MESSAGE }, () => vocabulary[Math.floor(vocabulary.length * Math.random() ** 3)]).join(' '),
    );
    const sealed = texts.map((text, i) => ({ id: String(i), ...cipher.seal(text, String(i)) }));
    const query = searchWords('word7');
    let t0 = process.hrtime.bigint();
    for (const s of sealed) matchesQuery(cipher.open(s.ciphertext, s.keyId, s.id), query);
    const scanMicros = Number(process.hrtime.bigint() - t0) / 1000 / sealed.length;
    t0 = process.hrtime.bigint();
    for (const [i, text] of texts.entries()) cipher.seal(text, String(i));
    const sealMicros = Number(process.hrtime.bigint() - t0) / 1000 / texts.length;
    // The server's cache of tokens per (conversation, word head), warm after one pass, over 250
    // conversations; and without it (a cache of one entry: every word hashed, as before it).
    const tokenMicros = {};
    for (const [name, blind] of [
      ['cached', index],
      ['uncached', new BlindIndex(randomBytes(32), 1)],
    ]) {
      for (const [i, text] of texts.entries()) blind.messageTokens(`c${i % 250}`, text);
      t0 = process.hrtime.bigint();
      for (const [i, text] of texts.entries()) blind.messageTokens(`c${i % 250}`, text);
      tokenMicros[name] = Number(process.hrtime.bigint() - t0) / 1000 / texts.length;
    }

    report.push(
      `Search index, ${new Date().toISOString().slice(0, 10)}: ${total.toLocaleString('en')} messages, ${WORDS_PER_MESSAGE} words each from a skewed vocabulary of ${VOCABULARY.toLocaleString('en')}; ${QUERIES} queries per case, the newest ${LIMIT} candidates.`,
      '',
      '| scope | query | messages matching | GIN int4[] p50 / p99 (ms) | token table p50 / p99 (ms) |',
      '|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.scope} | ${r.name} | ${r.matches ?? '—'} | ${r.gin.p50} / ${r.gin.p99}${statementsOf(r.gin)} | ${r.table.p50} / ${r.table.p99}${statementsOf(r.table)} |`,
      ),
      '',
      `Decrypt-and-scan baseline: ${scanMicros.toFixed(1)} µs a message (AES-GCM open + word rules), so ${((scanMicros * MESSAGES) / 1e6).toFixed(1)} s for the ${MESSAGES.toLocaleString('en')}-message conversation and ${((scanMicros * CONVERSATIONS * PER_CONVERSATION) / 1e3).toFixed(0)} ms for the user's ${CONVERSATIONS} conversations, before reading them from PostgreSQL.`,
      '',
      `Size per message: GIN ${(sizes.gin / total).toFixed(1)} bytes, the int4[] column ${Number(sizes.column_bytes).toFixed(1)} bytes; a token table ${(sizes.tokens / total).toFixed(1)} bytes (${(Number(sizes.token_rows) / total).toFixed(1)} rows a message, with its B-tree).`,
      '',
      `Write path, per message: tokens ${tokenMicros.cached.toFixed(1)} µs with the server's token cache warm (250 conversations, ${vocabulary.length.toLocaleString('en')} words), ${tokenMicros.uncached.toFixed(1)} µs without it (normalise, segment, ${WORDS_PER_MESSAGE} words' prefixes as HMAC-SHA256), beside ${sealMicros.toFixed(1)} µs to seal it.`,
    );
    console.log(`\n${report.join('\n')}\n`);
  } finally {
    await db.end().catch(() => undefined);
    await pg.handle.stop().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
