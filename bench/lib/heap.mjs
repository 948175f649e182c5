// What one idle connection costs in the server's JS heap, by object type: two heap snapshots
// of a fresh instance (before any socket, and with N sockets open), diffed and divided by N.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { socketUrl, startGenerator } from './servers.mjs';
import { round, sleep } from './util.mjs';

function aggregate(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const { node_fields: fields, node_types: nodeTypes } = snapshot.snapshot.meta;
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const types = nodeTypes[0];
  const { nodes, strings } = snapshot;
  const byKind = new Map();
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    let name = strings[nodes[i + nameAt]];
    if (type.includes('string')) name = '';
    else if (type === 'code' || type === 'hidden' || type === 'array' || type === 'synthetic') name = name.slice(0, 40);
    const kind = name ? `${type}: ${name.slice(0, 50)}` : type;
    const entry = byKind.get(kind) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += nodes[i + sizeAt];
    byKind.set(kind, entry);
  }
  return byKind;
}

const CATEGORIES = [
  ['RxJS subscriptions (Nest WsAdapter message pipeline)', /OperatorSubscriber|SafeSubscriber|ConsumerObserver|Observable|Subject|Subscription|closure: (outerNext|doInnerSub|checkComplete|resetAndUnsubscribe|cancelReset|reset|next|error|complete)$/],
  ['closures and their scopes', /^closure|system \/ Context/],
  ['TCP socket and ws objects', /TCPSocketWrap|object: (Socket|WebSocket|Receiver|Sender|WritableState|ReadableState)$|BufferList/],
  ['the upgrade request (IncomingMessage)', /object: IncomingMessage$/],
  ['ChatFlow Connection', /object: Connection$/],
  ['strings', /string$/],
  ['arrays, property stores and other objects', /./],
];

export async function heapProfile(ctx, server, users) {
  const dir = ctx.tmp;
  const before = join(dir, 'before.heapsnapshot');
  const after = join(dir, 'after.heapsnapshot');
  await sleep(500);
  await server.handle.probe({ heapSnapshot: before });
  const gen = startGenerator(ctx, 'gen-heap', { fdLimit: users.length + 1024 });
  let opened = 0;
  try {
    const r = await gen.call('connect', { sockets: users.map((u) => ({ url: socketUrl(server, u) })), concurrency: 100, timeoutMs: 60_000 }, 300_000);
    opened = r.opened;
    await sleep(1000);
    await server.handle.probe({ heapSnapshot: after });
  } finally {
    await gen.exit();
  }
  const a = aggregate(before);
  const b = aggregate(after);
  rmSync(before, { force: true });
  rmSync(after, { force: true });
  const rows = [];
  for (const [kind, v] of b) {
    const u = a.get(kind) ?? { count: 0, bytes: 0 };
    if (kind.startsWith('code')) continue; // compiled code grows with warm-up, not with sockets
    const bytes = v.bytes - u.bytes;
    if (bytes > 0) rows.push({ kind, objectsPerConnection: round((v.count - u.count) / opened, 2), bytesPerConnection: round(bytes / opened, 0) });
  }
  rows.sort((x, y) => y.bytesPerConnection - x.bytesPerConnection);
  const categories = CATEGORIES.map(([name]) => ({ name, bytesPerConnection: 0 }));
  for (const row of rows) {
    const index = CATEGORIES.findIndex(([, re]) => re.test(row.kind));
    categories[index].bytesPerConnection += row.bytesPerConnection;
  }
  return {
    connections: opened,
    heapBytesPerConnection: rows.reduce((s, r) => s + r.bytesPerConnection, 0),
    top: rows.slice(0, 15),
    categories: categories.filter((c) => c.bytesPerConnection > 0),
  };
}
