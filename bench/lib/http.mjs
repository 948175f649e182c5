import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** One HTTP request on a keep-alive connection: {status, body (parsed JSON or text), bytes, ms}. */
export function request(baseUrl, method, path, { token, body, timeoutMs = 30_000 } = {}) {
  const url = new URL(path, baseUrl);
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (payload) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = payload.length;
  }
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const ms = performance.now() - started;
        const raw = Buffer.concat(chunks);
        let parsed = raw.toString();
        try {
          parsed = JSON.parse(parsed);
        } catch {
          /* not JSON */
        }
        resolve({ status: res.statusCode, body: parsed, bytes: raw.length, ms });
      });
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${path}: timeout`)));
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}

/**
 * A closed loop: `concurrency` workers each run `task()` back to back, until `count` tasks
 * were started or `maxMs` elapsed (whichever first). Returns {latencies, completed, failed, ms}.
 * `task` resolves with {ok, ms} (ms measured by the task) or throws.
 */
export async function closedLoop({ concurrency, count, maxMs, task }) {
  const latencies = [];
  let started = 0;
  let failed = 0;
  const firstErrors = [];
  const t0 = performance.now();
  const deadline = t0 + maxMs;
  async function worker() {
    while (started < count && performance.now() < deadline) {
      started += 1;
      try {
        const { ok, ms, error } = await task();
        if (ok) latencies.push(ms);
        else {
          failed += 1;
          if (firstErrors.length < 3) firstErrors.push(error);
        }
      } catch (error) {
        failed += 1;
        if (firstErrors.length < 3) firstErrors.push(String(error.message ?? error));
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, completed: latencies.length, failed, firstErrors, ms: performance.now() - t0 };
}
