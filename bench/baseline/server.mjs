// The benchmark's baseline: the smallest chat server that does the same work as ChatFlow's
// `/ws` message path — plain `ws` + `pg`, one INSERT per message (autocommit, so the ack
// still comes after the commit), then an ack to the sender and a broadcast to every other
// connection of the conversation's participants. No encryption, no idempotency, no
// ordering guarantees, no receipts: the floor a real server's overhead is measured against.
//
// Protocol (a subset of ChatFlow's): connect to /ws?user=<uuid> (trivial auth) → {"type":"ready"};
// send {"type":"message","conversation_id","content","client_id"} → {"type":"ack",...} to the
// sender, {"type":"message","message":{...}} to the others. Membership comes from its own
// table baseline_participants (cached, like ChatFlow's participant directory).
//
// Env: PORT, DATABASE_URL, POOL_SIZE (20, as ChatFlow's), PING_INTERVAL_MS (30000).
import { createServer } from 'node:http';
import pg from 'pg';
import { WebSocketServer } from 'ws';

const port = Number(process.env.PORT ?? 8100);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE ?? 20) });
const pingIntervalMs = Number(process.env.PING_INTERVAL_MS ?? 30_000);

await pool.query(`CREATE TABLE IF NOT EXISTS baseline_participants (
  conversation_id uuid NOT NULL, user_id uuid NOT NULL, PRIMARY KEY (conversation_id, user_id))`);
await pool.query(`CREATE TABLE IF NOT EXISTS baseline_messages (
  id bigserial PRIMARY KEY, conversation_id uuid NOT NULL, sender_id uuid NOT NULL,
  client_id varchar(64), content text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);

/** conversation id → Promise<Set<user id>> */
const members = new Map();
function membersOf(conversationId) {
  let found = members.get(conversationId);
  if (!found) {
    found = pool
      .query('SELECT user_id FROM baseline_participants WHERE conversation_id = $1', [conversationId])
      .then((r) => new Set(r.rows.map((row) => row.user_id)));
    members.set(conversationId, found);
    found.catch(() => members.delete(conversationId));
  }
  return found;
}

/** user id → Set<WebSocket> */
const byUser = new Map();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const http = createServer((req, res) => {
  if (req.url === '/health') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server: http, path: '/ws', maxPayload: 64 * 1024 });

wss.on('connection', (ws, req) => {
  const userId = new URL(req.url ?? '/', 'ws://localhost').searchParams.get('user') ?? '';
  if (!UUID.test(userId)) return ws.close(4401, 'missing user');
  ws.alive = true;
  ws.on('pong', () => (ws.alive = true));
  let sockets = byUser.get(userId);
  if (!sockets) byUser.set(userId, (sockets = new Set()));
  sockets.add(ws);
  ws.on('close', () => {
    sockets.delete(ws);
    if (!sockets.size) byUser.delete(userId);
  });
  ws.on('message', (data) => void onFrame(ws, userId, data));
  ws.send(JSON.stringify({ type: 'ready', user_id: userId }));
});

async function onFrame(ws, userId, data) {
  let frame;
  try {
    frame = JSON.parse(data.toString());
  } catch {
    return ws.send(JSON.stringify({ type: 'error', code: 'invalid_json' }));
  }
  if (frame?.type !== 'message') return ws.send(JSON.stringify({ type: 'error', code: 'unknown_type' }));
  const { conversation_id: conversationId, content, client_id: clientId = null } = frame;
  try {
    if (typeof content !== 'string' || !UUID.test(conversationId ?? '')) throw Object.assign(new Error('bad frame'), { code: 'invalid_frame' });
    const participants = await membersOf(conversationId);
    if (!participants.has(userId)) throw Object.assign(new Error('not a participant'), { code: 'forbidden' });
    const { rows } = await pool.query(
      'INSERT INTO baseline_messages (conversation_id, sender_id, client_id, content) VALUES ($1, $2, $3, $4) RETURNING id, created_at',
      [conversationId, userId, clientId, content],
    );
    const message = {
      id: String(rows[0].id),
      conversation_id: conversationId,
      sender_id: userId,
      content,
      client_id: clientId,
      status: 'sent',
      created_at: rows[0].created_at.toISOString(),
    };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'ack', client_id: clientId, message }));
    const event = JSON.stringify({ type: 'message', message });
    for (const member of participants) {
      for (const socket of byUser.get(member) ?? []) if (socket !== ws && socket.readyState === socket.OPEN) socket.send(event);
    }
  } catch (error) {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'error', code: error.code ?? 'internal', client_id: clientId }));
  }
}

const heartbeat = setInterval(() => {
  for (const ws of wss.clients) {
    if (!ws.alive) {
      ws.terminate();
      continue;
    }
    ws.alive = false;
    ws.ping();
  }
}, pingIntervalMs);
heartbeat.unref();

http.listen(port, () => console.log(`baseline on http://127.0.0.1:${port}`));

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const ws of wss.clients) ws.terminate();
    http.close();
    pool.end().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  });
}
