// Seeding straight into PostgreSQL with COPY (pg-copy-streams), consistent with what the
// application expects (see backend/src/database/migrations and messages.repository.ts):
// dense per-conversation `seq`, conversations.last_seq / last_message_at matching the newest
// message, participants' read/delivered watermarks, content sealed with the server's key
// by the backend's own ContentCipher (AES-256-GCM, the message id as associated data).
import { createHmac, randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';

export async function connect(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

/** The backend's own cipher (backend/dist), so seeded content is what the server would have stored. */
export function contentCipher(root, encryptionKeyBase64) {
  const require = createRequire(join(root, 'backend', 'package.json'));
  const { ContentCipher } = require('./dist/platform/crypto/content-cipher.js');
  return new ContentCipher({ current: Buffer.from(encryptionKeyBase64, 'base64'), previous: [] });
}

/**
 * An HS256 access token as the server's JwtModule signs it ({sub, username, sid, iat, exp});
 * `sid` names a session seeded with the user (see seedUsers).
 */
export function mintToken(secret, sub, username, sid, ttlSeconds = 86_400) {
  const enc = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const head = `${enc({ alg: 'HS256', typ: 'JWT' })}.${enc({ sub, username, sid, iat: now, exp: now + ttlSeconds })}`;
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

function copyValue(v) {
  if (v === null || v === undefined) return '\\N';
  if (Buffer.isBuffer(v)) return `\\\\x${v.toString('hex')}`;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/** COPY rows (an iterable of arrays, in column order) into a table; returns the row count. */
export async function copyRows(client, table, columns, rows) {
  let count = 0;
  async function* lines() {
    let chunk = [];
    for (const row of rows) {
      chunk.push(row.map(copyValue).join('\t'));
      count += 1;
      if (chunk.length >= 2000) {
        yield chunk.join('\n') + '\n';
        chunk = [];
      }
    }
    if (chunk.length) yield chunk.join('\n') + '\n';
  }
  const stream = client.query(copyStreams.from(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await pipeline(Readable.from(lines()), stream);
  return count;
}

// Seeded messages are each their conversation's change at the same number as their seq.
const CONVERSATION_COLUMNS = ['id', 'name', 'is_group_chat', 'direct_key', 'last_seq', 'last_event_seq', 'last_message_at', 'created_by', 'created_at'];
const MESSAGE_COLUMNS = ['id', 'conversation_id', 'seq', 'event_seq', 'sender_id', 'client_id', 'content_ciphertext', 'content_key_id', 'created_at'];

let userSerial = 0;
/** `count` users with unique names (prefix + serial); all share one password hash. */
export function makeUsers(prefix, count) {
  const users = [];
  for (let i = 0; i < count; i++) {
    userSerial += 1;
    const username = `b${prefix}_${userSerial}`;
    users.push({ id: randomUUID(), username, sid: randomUUID() });
  }
  return users;
}

export async function seedUsers(client, users, passwordHash) {
  const created = new Date(Date.now() - 40 * 86_400_000);
  await copyRows(
    client,
    'users',
    ['id', 'username', 'email', 'password_hash', 'full_name', 'created_at'],
    (function* () {
      for (const u of users) yield [u.id, u.username, `${u.username}@bench.test`, passwordHash, `Bench ${u.username}`, created];
    })(),
  );
  // A login each (builds from before sessions existed have no such table, and ignore `sid`).
  const { rows } = await client.query(`SELECT to_regclass('sessions') IS NOT NULL AS present`);
  if (!rows[0].present) return;
  const expires = new Date(Date.now() + 2 * 86_400_000);
  await copyRows(client, 'sessions', ['id', 'user_id', 'expires_at'], (function* () {
    for (const u of users) yield [u.sid, u.id, expires];
  })());
}

/**
 * Conversations with their participants and (optionally) messages, consistent with the
 * schema's invariants. Each spec: {members: [userId...], group: bool, name?, messages?: [{sender, content}],
 * readSeq?: {userId: seq}} — readSeq defaults to "everything read".
 * Returns the conversation ids, in order.
 */
export async function seedConversations(client, specs, cipher, { startMs = Date.now() - 30 * 86_400_000, spreadMs = 29 * 86_400_000 } = {}) {
  const conversations = [];
  const participants = [];
  const messages = [];
  specs.forEach((spec, index) => {
    const id = randomUUID();
    spec.id = id;
    const created = new Date(startMs + Math.floor((index / Math.max(1, specs.length)) * spreadMs * 0.1));
    let at = created.getTime();
    const timeline = [];
    (spec.messages ?? []).forEach((m, i) => {
      at += 1 + Math.floor(Math.random() * (spreadMs / Math.max(1, specs.length * 10)));
      const messageId = randomUUID();
      const sealed = cipher.seal(m.content, messageId);
      const createdAt = new Date(at);
      timeline.push({ seq: i + 1, at: createdAt, sender: m.sender });
      messages.push([messageId, id, i + 1, i + 1, m.sender, null, sealed.ciphertext, sealed.keyId, createdAt]);
    });
    const lastSeq = timeline.length;
    const lastAt = lastSeq ? timeline[lastSeq - 1].at : null;
    const directKey = spec.group ? null : [...spec.members].sort().join(':');
    conversations.push([id, spec.group ? (spec.name ?? `Group ${index}`) : null, Boolean(spec.group), directKey, lastSeq, lastSeq, lastAt, spec.members[0], created]);
    for (const userId of spec.members) {
      const readSeq = Math.min(lastSeq, spec.readSeq?.[userId] ?? lastSeq);
      const readAt = readSeq > 0 ? timeline[readSeq - 1].at : null;
      participants.push([id, userId, readAt, readSeq, readAt, readSeq, created]);
    }
  });
  await copyRows(client, 'conversations', CONVERSATION_COLUMNS, conversations);
  await copyRows(
    client,
    'participants',
    ['conversation_id', 'user_id', 'last_read_timestamp', 'last_read_seq', 'last_delivered_timestamp', 'last_delivered_seq', 'joined_at'],
    participants,
  );
  if (messages.length) {
    await copyRows(client, 'messages', MESSAGE_COLUMNS, messages);
  }
  return specs.map((s) => s.id);
}

/**
 * One conversation of `count` messages between two users, streamed through COPY (sealed on
 * the fly), then its last_seq / last_message_at and both watermarks set. Returns its id.
 */
export async function seedLongConversation(client, cipher, [a, b], count, onProgress) {
  const conversationId = randomUUID();
  const startMs = Date.now() - count * 1000 - 86_400_000;
  const created = new Date(startMs - 1000);
  await copyRows(client, 'conversations', CONVERSATION_COLUMNS, [[conversationId, null, false, [a, b].sort().join(':'), 0, 0, null, a, created]]);
  const lastAt = new Date(startMs + count * 1000);
  await copyRows(
    client,
    'participants',
    ['conversation_id', 'user_id', 'last_read_timestamp', 'last_read_seq', 'last_delivered_timestamp', 'last_delivered_seq', 'joined_at'],
    [a, b].map((u) => [conversationId, u, lastAt, count, lastAt, count, created]),
  );
  const padding = ' lorem ipsum dolor sit amet, consectetur adipiscing elit'.repeat(2);
  await copyRows(
    client,
    'messages',
    MESSAGE_COLUMNS,
    (function* () {
      for (let seq = 1; seq <= count; seq++) {
        const id = randomUUID();
        const sealed = cipher.seal(`history message ${seq}${padding.slice(0, 20 + (seq % 80))}`, id);
        if (onProgress && seq % 100_000 === 0) onProgress(seq);
        yield [id, conversationId, seq, seq, seq % 2 ? a : b, null, sealed.ciphertext, sealed.keyId, new Date(startMs + seq * 1000)];
      }
    })(),
  );
  await client.query('UPDATE conversations SET last_seq = $2, last_event_seq = $2, last_message_at = $3 WHERE id = $1', [conversationId, count, lastAt]);
  return conversationId;
}
