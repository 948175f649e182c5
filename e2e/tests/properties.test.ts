import { CLIENT_FRAME_TYPES, CLOSE_CODES, ERROR_CODES, MAX_FRAME_BYTES, SERVER_EVENT_TYPES } from '@chatflow/protocol';
import fc from 'fast-check';
import { connect, Socket } from 'node:net';
import { WebSocket } from 'ws';
import { startApp, TestApp } from '../support/app';
import { authorizationFor, compact, frameFor, GeneratedRequest, requestFor, uuidish } from '../support/arbitraries';
import { expectErrorShape } from '../support/errors';
import { Operation, operationsOf, Schema, snapshotDocument } from '../support/openapi-operations';
import { Caller, PropertyWorld } from '../support/property-world';
import { rawRequest, RawResponse } from '../support/raw-http';
import { Frame, WsClient } from '../support/ws';

/**
 * Property-based tests over every operation of the OpenAPI document: whatever the body,
 * query, path parameters or token, the answer is never a 5xx and every 4xx has the API's
 * error shape; every WebSocket frame is answered with a valid `error` event or its success,
 * and the socket stays open. One seed per run (PROPERTY_SEED to replay one); fast-check
 * prints it with the failing request. No shrinking: each try is a request to a real server.
 */
const SEED = Number(process.env.PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** PROPERTY_RUNS_FACTOR=10 tries ten times as many requests (a longer hunt than the test run's). */
const FACTOR = Number(process.env.PROPERTY_RUNS_FACTOR ?? 1);
fc.configureGlobal({ seed: SEED, endOnFailure: true });

interface Profile {
  caller: Caller;
  runs: number;
  /** Needs a group and messages of its own each run: the operation consumes them (leaves, removes, deletes). */
  freshGroup?: boolean;
}

/**
 * How each operation is exercised. An operation the server publishes without an entry here
 * fails the coverage test below: decide who calls it (an operation that ends a session or an
 * account runs as a throwaway user) and how many tries it gets.
 */
const PROFILES: Record<string, Profile> = {
  AuthController_register: { caller: 'anonymous', runs: 25 },
  AuthController_login: { caller: 'anonymous', runs: 25 },
  AuthController_logout: { caller: 'throwaway', runs: 10 },
  AuthController_listSessions: { caller: 'member', runs: 20 },
  AuthController_revokeSession: { caller: 'throwaway', runs: 25 },
  UsersController_me: { caller: 'member', runs: 20 },
  UsersController_updateMe: { caller: 'member', runs: 50 },
  AccountsController_deleteAccount: { caller: 'throwaway', runs: 15 },
  UsersController_list: { caller: 'member', runs: 50 },
  UsersController_blocks: { caller: 'member', runs: 20 },
  UsersController_block: { caller: 'member', runs: 40 },
  UsersController_unblock: { caller: 'member', runs: 40 },
  ConversationsController_create: { caller: 'member', runs: 50 },
  ConversationsController_list: { caller: 'member', runs: 20 },
  ConversationsController_get: { caller: 'member', runs: 40 },
  GroupsController_rename: { caller: 'member', runs: 40 },
  ConversationsController_listMessages: { caller: 'member', runs: 60 },
  ConversationsController_send: { caller: 'member', runs: 60 },
  ConversationsController_markRead: { caller: 'member', runs: 40 },
  ConversationsController_changeSettings: { caller: 'member', runs: 40 },
  SearchController_find: { caller: 'member', runs: 40 },
  ConversationsController_edit: { caller: 'member', runs: 50, freshGroup: true },
  ConversationsController_delete: { caller: 'member', runs: 40, freshGroup: true },
  ConversationsController_react: { caller: 'member', runs: 60 },
  ConversationsController_unreact: { caller: 'member', runs: 40 },
  ConversationsController_events: { caller: 'member', runs: 60 },
  GroupsController_addMembers: { caller: 'member', runs: 40, freshGroup: true },
  GroupsController_remove: { caller: 'member', runs: 40, freshGroup: true },
  GroupsController_changeRole: { caller: 'member', runs: 40, freshGroup: true },
  GroupsController_leave: { caller: 'member', runs: 30, freshGroup: true },
  AccountsController_changePassword: { caller: 'throwaway', runs: 12 },
  AccountsController_export: { caller: 'member', runs: 15 },
  AttachmentsController_upload: { caller: 'member', runs: 40 },
  AttachmentsController_get: { caller: 'member', runs: 30 },
  AttachmentsController_download: { caller: 'anonymous', runs: 40 },
  HealthController_check: { caller: 'anonymous', runs: 20 },
  HealthController_live: { caller: 'anonymous', runs: 10 },
  HealthController_ready: { caller: 'anonymous', runs: 10 },
};

/** Never a 5xx; a 4xx has exactly the error shape; a success is JSON or empty. */
function expectWellFormedAnswer(res: RawResponse): void {
  try {
    expect(res.status).toBeLessThan(500);
    if (res.status >= 400) {
      expectErrorShape(res);
      expect(res.text).not.toMatch(/QueryFailedError|TypeORM|\n\s+at\s/);
    } else if (res.text) {
      expect(res.headers['content-type']).toMatch(/^application\/json\b/);
      expect(() => JSON.parse(res.text)).not.toThrow();
    }
  } catch (error) {
    throw new Error(`answered ${res.status} ${compact(res.text)}\n${(error as Error).message}`);
  }
}

/** A server event as API.md describes it; an `error` is exactly `{type, code, detail, client_id?}` and never `internal`. */
function expectValidEvent(frame: Frame): void {
  expect(SERVER_EVENT_TYPES).toContain(frame.type);
  if (frame.type !== 'error') return;
  expect(Object.keys(frame).filter((k) => !['type', 'code', 'detail', 'client_id'].includes(k))).toEqual([]);
  expect(ERROR_CODES).toContain(frame.code);
  expect(frame.code).not.toBe('internal');
  expect(typeof frame.detail).toBe('string');
  expect(frame.detail.length).toBeGreaterThan(0);
  if ('client_id' in frame) expect(typeof frame.client_id).toBe('string');
}

let t: TestApp;
let world: PropertyWorld;
const document = snapshotDocument();

beforeAll(async () => {
  t = await startApp({
    env: {
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '100000',
      LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL: '100000',
      WS_FRAMES_PER_SECOND: '100000',
      WS_FRAME_BURST: '100000',
    },
  });
  world = await PropertyWorld.create(t);
});
afterAll(() => t.close());

describe('properties: every operation of the API', () => {
  const operations = operationsOf(document);

  it('has a property profile for every operation the server publishes, and none for one it does not', async () => {
    const live = await t.http().get('/docs-json');
    const published = operationsOf(live.body).map((op) => op.operationId);
    expect([...published].sort()).toEqual(Object.keys(PROFILES).sort());
    expect(operations.map((op) => op.operationId)).toEqual(published);
  });

  async function call(op: Operation, generated: GeneratedRequest, auth?: string) {
    const headers: Record<string, string> = { ...generated.headers };
    if (auth !== undefined) headers.Authorization = auth;
    if (generated.body.contentType) headers['Content-Type'] = generated.body.contentType;
    if (generated.body.encoding) headers['Content-Encoding'] = generated.body.encoding;
    const bytes = generated.body.bytes && Buffer.from(world.resolve(generated.body.bytes.toString('latin1')), 'latin1');
    return rawRequest(`${t.baseUrl}${world.resolve(generated.path)}`, op.method, headers, bytes);
  }

  it('answers methods and paths the API does not have with a 4xx in the error shape', async () => {
    const templates = [...new Set(operations.map((op) => op.path))];
    const path = fc.oneof(
      fc.constantFrom(...templates).map((p) => p.replace(/\{[^}]+\}/g, world.group)),
      fc.array(fc.string({ maxLength: 12 }), { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.map((part) => encodeURIComponent(part.toWellFormed())).join('/')}`),
      fc.constantFrom('/', '/docs-json/x', '/conversations/%', '/users/me/..%2F..%2Fhealth', '//', '/.env', '/ws'),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'TRACE');
    // As a throwaway user: a path the API does have, with the right method, may be a logout.
    let consumed = false;
    await fc.assert(
      fc.asyncProperty(method, path, async (m, p) => {
        const caller = await world.throwawayUser(consumed);
        const res = await rawRequest(`${t.baseUrl}${p}`, m, { Authorization: caller.auth });
        consumed = res.status < 300;
        // A preflight without an Origin, or anything the API does have, is not this test's business.
        if (res.status < 400) return;
        expectWellFormedAnswer(res);
      }),
      { numRuns: Math.ceil(60 * FACTOR) },
    );
  });

  describe.each(operations.map((op) => [`${op.method} ${op.path}`, op] as const))('%s', (_, op) => {
    const profile = PROFILES[op.operationId];
    afterAll(() => world.unblockAll());

    it(`answers any request without a 5xx, every 4xx in the error shape (${Math.ceil((profile?.runs ?? 0) * FACTOR)} tries)`, async () => {
      expect(profile).toBeDefined();
      const token = profile.caller === 'member' ? world.alice.token : (await world.throwawayUser()).token;
      const auth = op.secured ? authorizationFor(token) : fc.constant(undefined);
      // Set when a run succeeded: it may have consumed what it acted on (the throwaway's
      // session, password or account; the fresh group), which the next run then renews.
      let consumed = Boolean(profile.freshGroup);
      await fc.assert(
        fc.asyncProperty(requestFor(op, world.ids), auth, async (generated, authorization) => {
          if (profile.freshGroup && consumed) await world.refreshGroup();
          const caller = profile.caller === 'throwaway' ? await world.throwawayUser(consumed) : world.alice;
          const res = await call(op, generated, authorization?.replace(token, caller.token));
          consumed = res.status < 300;
          expectWellFormedAnswer(res);
        }),
        { numRuns: Math.ceil(profile.runs * FACTOR) },
      );
      // The properties after this one need alice logged in: a 401 has the error shape too.
      const me = await t.http().get('/users/me').set('Authorization', world.alice.auth);
      expect({ aliceAfterThisOperation: me.status }).toEqual({ aliceAfterThisOperation: 200 });
    });
  });
});

describe('properties: every WebSocket frame', () => {
  const sockets: Record<'stream' | 'conversation', WsClient | undefined> = { stream: undefined, conversation: undefined };
  const open = (kind: 'stream' | 'conversation') =>
    kind === 'stream' ? WsClient.stream(t.baseUrl, world.alice.token) : WsClient.conversation(t.baseUrl, world.oneToOne, world.alice.token);
  const socket = async (kind: 'stream' | 'conversation'): Promise<WsClient> => (sockets[kind] ??= await open(kind));
  afterAll(async () => {
    for (const client of Object.values(sockets)) if (client?.isOpen) await client.close();
  });

  // Each client frame's schema: message and read take the REST bodies; each may name its conversation.
  const conversation = { conversation_id: { type: 'string', format: 'uuid' } };
  const withConversation = (schema: Schema): Schema => ({ ...schema, properties: { ...schema.properties, ...conversation } });
  const { SendMessageDto, MarkReadDto } = document.components.schemas;
  const frameSchemas: Record<(typeof CLIENT_FRAME_TYPES)[number], Schema> = {
    message: withConversation(SendMessageDto),
    typing: { type: 'object', properties: { ...conversation, is_typing: { type: 'boolean' } }, required: ['is_typing'] },
    read: withConversation(MarkReadDto),
  };
  let sentinels = 0;

  /** Sends a frame and returns what the server sent back until it answered the frame after it (frames run in order). */
  async function exchange(client: WsClient, data: string | Buffer): Promise<{ mark: number; answered: Frame[] }> {
    const mark = client.mark();
    client.socket.send(data, { binary: Buffer.isBuffer(data) });
    // A typing frame with a client_id is refused, and the refusal carries that id.
    const sentinel = `sentinel-${(sentinels += 1)}`;
    client.send({ type: 'typing', client_id: sentinel });
    const answer = await client.nextSince(mark, (f) => f.type === 'error' && f.client_id === sentinel);
    return { mark, answered: client.frames.slice(mark, client.frames.indexOf(answer)) };
  }

  /** What a frame the server accepted must have been. */
  function expectAcceptable(text: string, kind: 'stream' | 'conversation'): Record<string, unknown> {
    const frame = JSON.parse(text) as Record<string, unknown>;
    expect(CLIENT_FRAME_TYPES).toContain(frame.type);
    if (kind === 'stream') expect(frame.conversation_id).toEqual(expect.stringMatching(/^[0-9a-f-]{36}$/i));
    if (frame.type === 'typing') expect(typeof frame.is_typing).toBe('boolean');
    if (frame.type === 'message') expect(typeof frame.content).toBe('string');
    return frame;
  }

  it('answers every frame with one valid error event or its success, and keeps the socket open (oversized: 1009)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('stream' as const, 'conversation' as const), frameFor(world.ids, frameSchemas), async (kind, generated) => {
        const client = await socket(kind);
        const data = typeof generated.data === 'string' ? world.resolve(generated.data) : generated.data;
        if (Buffer.byteLength(data) > MAX_FRAME_BYTES) {
          const mark = client.mark();
          client.socket.send(data);
          expect((await client.closed).code).toBe(1009);
          client.frames.slice(mark).forEach(expectValidEvent);
          sockets[kind] = undefined;
          return;
        }
        const { mark, answered } = await exchange(client, data);
        answered.forEach(expectValidEvent);
        const errors = answered.filter((f) => f.type === 'error');
        expect(errors.length).toBeLessThanOrEqual(1);
        if (errors.length === 0) {
          const frame = expectAcceptable(data.toString(), kind);
          if (frame.type === 'message') await client.nextSince(mark, (f) => f.type === 'ack' || (f.type === 'message' && f.message.sender_id === world.alice.id));
        }
        expect(client.isOpen).toBe(true);
      }),
      { numRuns: Math.ceil(300 * FACTOR) },
    );
  });
});

describe('properties: every WebSocket handshake', () => {
  type Outcome = { ready: true } | { closed: number } | { refused: string };

  /** Opens a socket and reports how the server answered: `ready`, a close code, or an HTTP-level refusal. */
  function handshake(url: string, protocols: string[]): Promise<Outcome> {
    return new Promise((resolve) => {
      const socket = new WebSocket(url, protocols);
      socket.on('message', (data) => {
        if ((JSON.parse((data as Buffer).toString()) as Frame).type !== 'ready') return;
        socket.close();
        resolve({ ready: true });
      });
      socket.on('close', (code) => resolve({ closed: code }));
      socket.on('unexpected-response', (_, res) => {
        socket.terminate();
        resolve({ refused: String(res.statusCode) });
      });
      socket.on('error', (error) => resolve({ refused: error.message }));
    });
  }

  // Subprotocols are HTTP tokens: JWT characters and a few more.
  const tokenish = (token: string) =>
    fc.oneof(
      { arbitrary: fc.constant(token), weight: 3 },
      fc.constantFrom(`${token}x`, token.slice(0, -2), token.split('.').slice(0, 2).join('.'), 'a.b.c', ''),
      fc.stringMatching(/^[A-Za-z0-9._~-]{0,60}$/),
    );

  it('answers any path, token and subprotocols with ready or a documented close code, never 1011', async () => {
    const documented = Object.values(CLOSE_CODES).filter((code) => code !== CLOSE_CODES.internalError);
    const segment = fc.oneof(uuidish(world.ids, 'conversation_id'), fc.string({ maxLength: 40 }));
    const path = fc.oneof(
      fc.constant('/ws'),
      fc.tuple(segment, tokenish(world.alice.token)).map(([c, token]) => `/ws/${encodeURIComponent(c.toWellFormed())}/${token}`),
      tokenish(world.alice.token).map((token) => `/ws?token=${token}`),
      fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/ws/${parts.map((p) => encodeURIComponent(p.toWellFormed())).join('/')}`),
      fc.constantFrom('/ws/%zz/x', '/ws/x/%', '/ws//', '/ws/%00/%00'),
    );
    const protocols = fc.uniqueArray(fc.oneof(fc.constantFrom('chatflow.v1', 'chatflow.v2', 'bearer.'), tokenish(world.alice.token).map((token) => `bearer.${token}`)), {
      maxLength: 3,
    });
    await fc.assert(
      fc.asyncProperty(path, protocols, async (p, offered) => {
        const outcome = await handshake(`${t.baseUrl.replace(/^http/, 'ws')}${world.resolve(p)}`, offered.filter((o) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(o)));
        if ('closed' in outcome) expect(documented).toContain(outcome.closed);
        // A client that offered subprotocols without chatflow.v1 gets none selected and gives up itself.
        else if ('refused' in outcome) expect(outcome.refused).toMatch(/^4\d\d$|^Server sent no subprotocol$/);
      }),
      { numRuns: Math.ceil(60 * FACTOR) },
    );
  });
});

describe('regressions the properties found', () => {
  it('answers a request line past Node’s 16 KB limit with 431 in the error shape, not an empty body', async () => {
    // Found by GET /users: a query of 🙂 × 5000 (seed 1330075309).
    const res = await rawRequest(`${t.baseUrl}/users?q=${'%F0%9F%99%82'.repeat(5000)}`, 'GET', { Authorization: world.alice.auth });
    expect(res.status).toBe(431);
    expectErrorShape(res);
  });

  it.each([
    ['POST /auth/register', 'POST', '/auth/register', 'extra'],
    ['POST /auth/login', 'POST', '/auth/login', 'scope'],
    ['PATCH /users/me', 'PATCH', '/users/me', 'full_name'],
  ])('answers %s with a field nested 1,458 deep with 400, not 500', async (_, method, path, field) => {
    // Found by the body properties (seed 271021287): validation recursed until the stack overflowed.
    const body = Buffer.from(`{"${field}":${'['.repeat(1458)}${']'.repeat(1458)}}`);
    const res = await rawRequest(`${t.baseUrl}${path}`, method, { 'Content-Type': 'application/json', Authorization: world.alice.auth }, body);
    expect(res.status).toBe(400);
    expectErrorShape(res);
    expect(JSON.parse(res.text).message).toBe('The body nests objects and arrays at most 32 deep');
  });

  it('answers a frame nested 10,000 deep with invalid_frame (not internal) and keeps the socket open', async () => {
    // Found by the frame property: {"type":"read","is_typing":[[[…]]]} (seed 905755418) overflowed validation's stack.
    const client = await WsClient.stream(t.baseUrl, world.alice.token);
    client.send(`{"type":"read","is_typing":${'['.repeat(10_000)}${']'.repeat(10_000)}}`);
    expect(await client.next((f) => f.type === 'error')).toEqual({ type: 'error', code: 'invalid_frame', detail: expect.any(String) });
    expect(client.isOpen).toBe(true);
    await client.close();
  });

  it('answers a request that is not HTTP with 400 in the error shape', async () => {
    const socket = connect({ host: '127.0.0.1', port: Number(new URL(t.baseUrl).port) });
    socket.end('GET /users HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
    const raw = await text(socket);
    const [head, body] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(head).toMatch(/\r\nContent-Type: application\/json/i);
    expect(JSON.parse(body)).toEqual({ statusCode: 400, message: 'Malformed HTTP request', error: 'Bad Request' });
  });
});

/** Everything a socket receives until it closes. */
async function text(socket: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
