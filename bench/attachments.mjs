// `npm run bench:attachments -w bench` (needs `npm run build -w backend`): attachments through
// the API against the same bytes copied on disk, in one run, on an embedded PostgreSQL and a
// production-mode server of its own (files in a folder under its DATA_DIR) —
//   • upload and download MB/s of a 25 MiB file (a binary video, judged from its bytes and
//     stored as it is; and UTF-8 text, whose every byte the server checks), ATTACHMENT_BENCH_RUNS
//     each, against the baseline: streaming the same file into a new file on the same disk;
//   • the server's event-loop delay (probe.cjs) and message latency while 25 MiB uploads run
//     beside message traffic (REST sends, a closed loop of 4), against that traffic alone.
// Prints a Markdown report (bench/README.md quotes one).
import { randomBytes } from 'node:crypto';
import { chmodSync, createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { closedLoop, request } from './lib/http.mjs';
import { probe, stopAll } from './lib/procs.mjs';
import { secrets, startChatFlow, startPostgres } from './lib/servers.mjs';
import { log, summarize } from './lib/util.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const benchDir = dirname(fileURLToPath(import.meta.url));
const SIZE = 25 * 1024 * 1024;
const RUNS = Number(process.env.ATTACHMENT_BENCH_RUNS ?? 5);
const MB = 1024 * 1024;

/** An MP4 header (file-type says video/mp4), then noise: stored as it is, no image work. */
function videoFile(path) {
  const header = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2')]);
  writeFileSync(path, Buffer.concat([header, randomBytes(SIZE - header.length)]));
}

function textFile(path) {
  const line = 'The quick brown fox jumps over the lazy dog, 0123456789.\n';
  writeFileSync(path, Buffer.from(line.repeat(Math.ceil(SIZE / line.length))).subarray(0, SIZE));
}

/** POST /attachments with the file streamed as multipart: {status, body, ms}. */
function upload(baseUrl, token, path, filename) {
  const boundary = `----chatflowbench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const size = statSync(path).size;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL('/attachments', baseUrl),
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': head.length + size + tail.length,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(Buffer.concat(chunks).toString()), ms: performance.now() - started }));
      },
    );
    req.on('error', reject);
    req.write(head);
    const file = createReadStream(path);
    file.on('error', reject);
    file.on('end', () => req.end(tail));
    file.pipe(req, { end: false });
  });
}

/** GET a signed URL, counting bytes: {status, bytes, ms}. */
function download(baseUrl, url) {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    httpRequest(new URL(url, baseUrl), (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () => resolve({ status: res.statusCode, bytes, ms: performance.now() - started }));
    })
      .on('error', reject)
      .end();
  });
}

/** The baseline: the same bytes streamed into a new file on the same disk (and flushed to it). */
async function copyOnDisk(path, target) {
  const started = performance.now();
  await pipeline(createReadStream(path), createWriteStream(target, { flush: true }));
  const ms = performance.now() - started;
  rmSync(target, { force: true });
  return ms;
}

const mbps = (ms) => SIZE / MB / (ms / 1000);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const tmp = mkdtempSync(join(tmpdir(), 'chatflow-attachments-bench-'));
  chmodSync(tmp, 0o755); // PostgreSQL runs as the `postgres` user when we are root
  const ctx = { root, benchDir, tmp, secrets: secrets() };
  const report = [];
  try {
    ctx.pg = await startPostgres(root, join(tmp, 'pg'));
    const server = await startChatFlow(ctx, 'chatflow', { env: { ATTACHMENT_SWEEP_INTERVAL_SECONDS: '0' } });
    const users = [];
    for (const name of ['alice', 'bob']) {
      const username = `${name}_${randomBytes(3).toString('hex')}`;
      const password = `pw-${randomBytes(8).toString('hex')}`;
      const reg = await request(server.http, 'POST', '/auth/register', { body: { username, email: `${username}@example.test`, password } });
      const login = await request(server.http, 'POST', '/auth/login', { body: { username, password } });
      users.push({ id: reg.body.id, token: login.body.access_token });
    }
    const conversation = (await request(server.http, 'POST', '/conversations/', { token: users[0].token, body: { participant_ids: [users[1].id] } })).body.id;

    const files = { video: join(tmp, 'video.mp4'), text: join(tmp, 'text.txt') };
    videoFile(files.video);
    textFile(files.text);
    const rows = [];
    for (const [kind, path] of Object.entries(files)) {
      log(`${kind}: ${RUNS} uploads, downloads and disk copies of ${SIZE / MB} MiB, interleaved`);
      const up = [];
      const down = [];
      const copy = [];
      for (let i = 0; i < RUNS; i++) {
        copy.push(await copyOnDisk(path, join(tmp, 'copy')));
        const sent = await upload(server.http, users[0].token, path, `${kind}-${i}`);
        if (sent.status !== 201) throw new Error(`upload: ${sent.status} ${JSON.stringify(sent.body)}`);
        up.push(sent.ms);
        const got = await download(server.http, sent.body.url);
        if (got.status !== 200 || got.bytes !== SIZE) throw new Error(`download: ${got.status}, ${got.bytes} bytes`);
        down.push(got.ms);
      }
      rows.push({ kind, type: (await upload(server.http, users[0].token, path, 'type')).body.content_type, up: median(up), down: median(down), copy: median(copy) });
    }

    // Message traffic alone, then the same traffic beside back-to-back 25 MiB uploads.
    const traffic = (maxMs) =>
      closedLoop({
        concurrency: 4,
        count: Number.MAX_SAFE_INTEGER,
        maxMs,
        task: async () => {
          const res = await request(server.http, 'POST', `/conversations/${conversation}/messages`, { token: users[0].token, body: { content: 'hello' } });
          return { ok: res.status === 201, ms: res.ms, error: res.status };
        },
      });
    const window = 8_000;
    log('message traffic alone');
    await probe(server.handle);
    const alone = await traffic(window);
    const aloneProbe = await probe(server.handle);
    log('message traffic beside 25 MiB uploads');
    let uploads = 0;
    let stop = false;
    const uploader = (async () => {
      while (!stop) {
        const sent = await upload(server.http, users[1].token, files.video, 'beside.mp4');
        if (sent.status !== 201) throw new Error(`upload: ${sent.status}`);
        uploads += 1;
      }
    })();
    const beside = await traffic(window);
    const besideProbe = await probe(server.handle);
    stop = true;
    await uploader;
    const latency = (run) => summarize(run.latencies);
    const [a, b] = [latency(alone), latency(beside)];

    report.push(
      `Attachments, ${new Date().toISOString().slice(0, 10)}, Node.js ${process.version}, one production-mode server (files in a folder under DATA_DIR), loopback; medians of ${RUNS} runs of a ${SIZE / MB} MiB file.`,
      '',
      '| file | stored as | upload MB/s | download MB/s | disk copy MB/s (baseline) | upload / copy | download / copy |',
      '|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.kind} | ${r.type} | ${mbps(r.up).toFixed(0)} | ${mbps(r.down).toFixed(0)} | ${mbps(r.copy).toFixed(0)} | ${(r.copy / r.up).toFixed(2)} | ${(r.copy / r.down).toFixed(2)} |`,
      ),
      '',
      `Message sends over REST (closed loop of 4, ${window / 1000} s each), alone and beside ${uploads} back-to-back ${SIZE / MB} MiB uploads:`,
      '',
      '| | messages/s | p50 / p99 latency (ms) | event-loop delay p50 / p99 / max (ms) | server CPU (% of a core) |',
      '|---|---|---|---|---|',
      `| alone | ${((alone.completed / alone.ms) * 1000).toFixed(0)} | ${a.p50} / ${a.p99} | ${aloneProbe.eventLoopDelay.p50} / ${aloneProbe.eventLoopDelay.p99} / ${aloneProbe.eventLoopDelay.max} | ${aloneProbe.cpu.percentOfOneCore.toFixed(0)} |`,
      `| beside uploads | ${((beside.completed / beside.ms) * 1000).toFixed(0)} | ${b.p50} / ${b.p99} | ${besideProbe.eventLoopDelay.p50} / ${besideProbe.eventLoopDelay.p99} / ${besideProbe.eventLoopDelay.max} | ${besideProbe.cpu.percentOfOneCore.toFixed(0)} |`,
    );
    console.log(`\n${report.join('\n')}\n`);
  } finally {
    await stopAll().catch(() => undefined);
    await ctx.pg?.handle.stop().catch(() => undefined);
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
