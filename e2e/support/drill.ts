import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';
import { WebSocket } from 'ws';
import { ROOMY_LIMITS } from './app';
import { freePort } from './net';
import { ServerProcess, spawnServer, waitForOutput } from './server-process';

/*
 * The fault drills' harness: a private PostgreSQL and Redis the drill can stop, backend
 * instances it can kill, and clients that behave like the web client (an outbox resent with
 * the same client_id after a failure, catch-up from the change feed after a reconnect).
 */

/** Wakes whoever waits for a condition each time something that may change it happens. */
export class Signal {
  private waiters = new Set<() => void>();

  notify(): void {
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves once `condition()` holds (checked now and at every notify); rejects after `timeoutMs`. */
  async until(condition: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`not within ${timeoutMs} ms: ${what()}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, remaining);
        this.waiters.add(wake);
      });
    }
  }
}

/**
 * A private embedded PostgreSQL in a temporary folder, which a drill stops and starts again on
 * the same port and data. It runs in a controller process (support/postgres-controller.mjs).
 */
export class DrillDatabase {
  /** Where the clients and the instances find it (set once the controller says it is ready). */
  url = '';
  private readonly replies: string[] = [];
  private waiting?: () => void;

  private constructor(
    private readonly dir: string,
    private readonly controller: ChildProcess,
  ) {
    createInterface({ input: controller.stdout! }).on('line', (line) => {
      this.replies.push(line);
      this.waiting?.();
    });
  }

  static async start(): Promise<DrillDatabase> {
    const dir = mkdtempSync(join(tmpdir(), 'chatflow-drill-'));
    // Run as root, PostgreSQL runs as the `postgres` user, which must reach the cluster folder.
    chmodSync(dir, 0o755);
    const controller = spawn(process.execPath, [join(__dirname, 'postgres-controller.mjs'), dir, String(await freePort()), 'chatflow_drills'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const db = new DrillDatabase(dir, controller);
    db.url = (await db.reply()).replace(/^ready /, '');
    return db;
  }

  /** The controller's next line; rejects if it exits first or says something unexpected. */
  private async reply(expected?: string): Promise<string> {
    while (this.replies.length === 0) {
      if (this.controller.exitCode !== null) throw new Error(`the PostgreSQL controller exited (${this.controller.exitCode})`);
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiting = undefined;
          this.controller.off('exit', done);
          resolve();
        };
        this.waiting = done;
        this.controller.once('exit', done);
      });
    }
    const line = this.replies.shift()!;
    if (expected !== undefined ? line !== expected : !line.startsWith('ready ')) throw new Error(`PostgreSQL controller: ${line}`);
    return line;
  }

  private command(command: 'stop' | 'start', expected: string): Promise<string> {
    this.controller.stdin!.write(`${command}\n`);
    return this.reply(expected);
  }

  /** A fast shutdown (SIGINT): every open session is terminated, as in a restart. */
  async stop(): Promise<void> {
    await this.command('stop', 'stopped');
  }

  async resume(): Promise<void> {
    await this.command('start', 'started');
  }

  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  /** Stops the server and deletes its folder. */
  async remove(): Promise<void> {
    if (this.controller.exitCode === null) {
      const exited = once(this.controller, 'exit');
      this.controller.stdin!.end('exit\n');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The environment of a backend instance in a multi-instance suite (drills, scale_out). */
export function instanceEnv(options: { port: number; name: string; databaseUrl: string; redisUrl: string; secrets: Record<string, string> }) {
  return {
    ...options.secrets,
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    PORT: String(options.port),
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    INSTANCE_ID: options.name,
    PRESENCE_GRACE_MS: '200',
    PRESENCE_HEARTBEAT_MS: '200',
    WS_GAP_TIMEOUT_MS: '200',
    ...ROOMY_LIMITS,
  };
}

/** One backend process at a fixed address, which a drill kills and starts again there. */
export class DrillInstance {
  private server?: ServerProcess;
  /** The output of every process this instance has been, oldest first. */
  private readonly outputs: Array<() => string> = [];

  private constructor(
    readonly name: string,
    private readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  static async create(name: string, options: { databaseUrl: string; redisUrl: string; secrets: Record<string, string> }): Promise<DrillInstance> {
    const port = await freePort();
    return new DrillInstance(name, port, instanceEnv({ ...options, port, name }));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    const child = this.server?.child;
    return !!child && child.exitCode === null && child.signalCode === null;
  }

  async start(): Promise<void> {
    const server = spawnServer(this.env);
    this.server = server;
    this.outputs.push(server.output);
    await waitForOutput(server, 'ChatFlow API on');
  }

  /** Sends `signal` and resolves with the exit code once the process is gone. */
  stop(signal: NodeJS.Signals): Promise<number | null> {
    return this.server ? this.server.stop(signal) : Promise.resolve(null);
  }

  /** The last `lines` lines its processes printed, leaving out the request log. */
  output(lines = 80): string {
    const all = this.outputs.map((o, i) => `--- ${this.name}, process ${i + 1} ---\n${o()}`).join('\n');
    return all
      .split('\n')
      .filter((line) => !line.includes('"msg":"request completed"'))
      .slice(-lines)
      .join('\n');
  }
}

export interface DrillUser {
  id: string;
  token: string;
}

/** Registers a user and logs in on `base`. */
export async function drillUser(base: string, prefix: string): Promise<DrillUser> {
  const username = `${prefix}_${randomBytes(5).toString('hex')}`;
  const password = 'drill-password-1';
  const registered = await json(base, 'POST', '/auth/register', undefined, { username, email: `${username}@x.test`, password });
  const login = await json(base, 'POST', '/auth/login', undefined, { username, password });
  return { id: registered.id, token: login.access_token };
}

/** A one-on-one between two users, created by the first. */
export async function directConversation(base: string, owner: DrillUser, other: DrillUser): Promise<string> {
  return (await json(base, 'POST', '/conversations/', owner.token, { participant_ids: [other.id] })).id;
}

async function json(base: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ id: string; access_token: string }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return JSON.parse(text) as { id: string; access_token: string };
}

/** Reconnect delays: from 100 ms doubling to 1 s, drawn from [cap/2, cap] as the web client does. */
function backoff(attempt: number): number {
  const cap = Math.min(1_000, 100 * 2 ** attempt);
  return cap / 2 + Math.random() * (cap / 2);
}

/** An un-acknowledged message of a client's outbox. */
interface Outgoing {
  frame: { type: 'message'; conversation_id: string; content: string; client_id: string };
  /** `error` events it got: its next resend waits backoff(failures). */
  failures: number;
}

const FEED_PAGE = 500;

/** What this client reads of a server frame or a change feed event… */
interface WireEvent {
  type: string;
  conversation_id?: string;
  event_seq?: number;
}

/** …of a `message` event and of an `ack`… */
interface MessageEvent extends WireEvent {
  client_id: string;
  message: { id: string; conversation_id: string; client_id: string | null };
}

/** …and of an `error`. */
interface ErrorEvent extends WireEvent {
  code: string;
  client_id?: string;
}

/** A message as a receiver got it: live on its socket, or from the change feed after a reconnect. */
export interface Received {
  id: string;
  conversationId: string;
  clientId: string;
  live: boolean;
}

/**
 * One user's `/ws` connection, behaving like the web client: messages wait in an outbox until
 * acknowledged and are sent again (same client_id) after an `error` event (with backoff) or
 * on the next connection after a closed socket; a closed socket is reopened with backoff on the instances in turn (its home first);
 * after each `ready` the change feed of its conversations is paged from the last change it
 * applied. It records whatever would have logged its user out (close 4401, REST 401).
 */
export class DrillClient {
  /** client_id → id of the stored message, from its ack. */
  readonly acked = new Map<string, string>();
  /** client_ids in the order this client queued them. */
  readonly queued: string[] = [];
  /** message id → how it arrived (first arrival). */
  readonly received = new Map<string, Received>();
  readonly closeCodes: number[] = [];
  /** REST answers other than 2xx (statuses; 0 when the request failed). */
  readonly restFailures: number[] = [];
  /** `error` events, by code. */
  readonly errors = new Map<string, number>();
  /** Sockets opened after the first. */
  reconnects = 0;
  /** Messages a socket delivered twice. */
  duplicates = 0;

  private readonly outbox = new Map<string, Outgoing>();
  /** Per conversation: every change number up to this one is applied… */
  private readonly applied = new Map<string, number>();
  /** …and these above it too. */
  private readonly ahead = new Map<string, Set<number>>();
  private socket?: WebSocket;
  private base = '';
  private ready = false;
  private stopped = false;
  private attempt = 0;
  private opened = 0;
  private sequence = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Per socket opened (by its number), the ids of the messages it delivered. */
  private readonly deliveredOn = new Map<number, Set<string>>();

  constructor(
    readonly user: DrillUser,
    /** Instances to connect to, its home first. */
    private readonly bases: () => string[],
    readonly conversations: string[],
    private readonly signal: Signal,
    private readonly label: string,
  ) {
    for (const id of conversations) this.applied.set(id, 0);
  }

  /** Opens the first connection; resolves at its `ready`. */
  async start(): Promise<void> {
    this.connect(0);
    await this.signal.until(() => this.ready || this.stopped, 10_000, () => `${this.label} connected`);
  }

  get isReady(): boolean {
    return this.ready;
  }

  get pending(): number {
    return this.outbox.size;
  }

  /** Queues a message; it goes out now when connected, else after the next `ready`. */
  send(conversationId: string): string {
    const clientId = `${this.label}-${++this.sequence}`;
    const outgoing: Outgoing = { frame: { type: 'message', conversation_id: conversationId, content: `${this.label} #${this.sequence}`, client_id: clientId }, failures: 0 };
    this.outbox.set(clientId, outgoing);
    this.queued.push(clientId);
    if (this.ready) this.transmit(outgoing);
    return clientId;
  }

  /**
   * A dropped connection and a reload of the page, as a network blip would cause: the socket
   * is cut (no close handshake), and the conversation list is fetched again (retried until 2xx).
   */
  async blip(): Promise<void> {
    this.socket?.terminate();
    await this.fetchUntilOk(() => `/conversations/`);
  }

  /** Stops for good: no reconnect, no resend. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    const socket = this.socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      await new Promise((resolve) => {
        socket.once('close', resolve);
        socket.terminate();
      });
    }
  }

  /** Whether every message of `expected` (message ids) has reached this client. */
  hasAll(expected: Iterable<string>): boolean {
    for (const id of expected) if (!this.received.has(id)) return false;
    return true;
  }

  private later(delay: number, then: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) then();
    }, delay);
    this.timers.add(timer);
  }

  private connect(attempt: number): void {
    const bases = this.bases();
    this.base = bases[attempt % bases.length];
    if (this.opened++ > 0) this.reconnects += 1;
    const socket = new WebSocket(`${this.base.replace(/^http/, 'ws')}/ws`, ['chatflow.v1', `bearer.${this.user.token}`]);
    this.socket = socket;
    socket.on('message', (data) => this.receive(JSON.parse((data as Buffer).toString()) as WireEvent));
    socket.on('error', () => undefined); // `close` follows, and reconnects
    socket.on('close', (code) => {
      if (socket !== this.socket) return;
      this.ready = false;
      this.closeCodes.push(code);
      this.signal.notify();
      if (this.stopped) return;
      const next = this.attempt++;
      this.later(backoff(next), () => this.connect(next + 1));
    });
  }

  private receive(frame: WireEvent): void {
    switch (frame.type) {
      case 'ready':
        this.ready = true;
        this.attempt = 0;
        for (const outgoing of this.outbox.values()) this.transmit(outgoing);
        void this.catchUp();
        break;
      case 'ack': {
        const ack = frame as MessageEvent;
        if (this.outbox.delete(ack.client_id)) this.acked.set(ack.client_id, ack.message.id);
        break;
      }
      case 'message':
        this.apply(frame, true);
        break;
      case 'error': {
        const { code, client_id: clientId = '' } = frame as ErrorEvent;
        this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
        const outgoing = this.outbox.get(clientId);
        // Sent again on this socket after a backoff (a new socket sends its whole outbox anyway).
        const socket = this.socket;
        if (outgoing) this.later(backoff(outgoing.failures++), () => socket === this.socket && this.outbox.get(clientId) === outgoing && this.transmit(outgoing));
        break;
      }
      default:
        return;
    }
    this.signal.notify();
  }

  private transmit(outgoing: Outgoing): void {
    if (this.socket?.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify(outgoing.frame));
  }

  /** A conversation-scoped event, live or from the feed: recorded once, its number applied. */
  private apply(event: WireEvent, live: boolean): void {
    const message = event.type === 'message' ? (event as MessageEvent).message : undefined;
    const conversationId = event.conversation_id ?? message?.conversation_id ?? '';
    if (message) {
      if (!this.received.has(message.id)) this.received.set(message.id, { id: message.id, conversationId, clientId: message.client_id ?? '', live });
      if (live) {
        const delivered = this.deliveredOn.get(this.opened) ?? new Set<string>();
        if (delivered.has(message.id)) this.duplicates += 1;
        this.deliveredOn.set(this.opened, delivered.add(message.id));
      }
    }
    const seq = Number(event.event_seq);
    const applied = this.applied.get(conversationId);
    if (applied === undefined || !Number.isInteger(seq) || seq <= applied) return;
    const ahead = this.ahead.get(conversationId) ?? new Set<number>();
    ahead.add(seq);
    let upTo = applied;
    while (ahead.delete(upTo + 1)) upTo += 1;
    this.applied.set(conversationId, upTo);
    this.ahead.set(conversationId, ahead);
  }

  /** After `ready`: pages each conversation's change feed from the last change applied. */
  private async catchUp(): Promise<void> {
    const socket = this.socket;
    for (const id of this.conversations) {
      for (;;) {
        if (this.stopped || socket !== this.socket) return;
        const page = await this.fetchUntilOk(() => `/conversations/${id}/events?after=${this.applied.get(id)}&limit=${FEED_PAGE}`);
        if (!page) return;
        for (const event of page.events) this.apply(event, false);
        this.signal.notify();
        // A short page is the end of the feed: what comes later arrives live.
        if (page.events.length < FEED_PAGE) break;
      }
    }
  }

  /** GETs a path (computed at each try) on the current instance until it answers 2xx; undefined once stopped. */
  private async fetchUntilOk(path: () => string): Promise<{ events: WireEvent[] } | undefined> {
    for (let attempt = 0; !this.stopped; attempt++) {
      let status = 0;
      try {
        const res = await fetch(`${this.base}${path()}`, { headers: { authorization: `Bearer ${this.user.token}` }, signal: AbortSignal.timeout(5_000) });
        status = res.status;
        if (res.ok) return (await res.json()) as { events: WireEvent[] };
        await res.body?.cancel();
      } catch {
        // connection refused or reset: an instance going away
      }
      this.restFailures.push(status);
      this.signal.notify();
      await new Promise((resolve) => setTimeout(resolve, backoff(attempt)));
      if (status === 0) this.base = this.bases()[(this.bases().indexOf(this.base) + 1) % this.bases().length];
    }
    return undefined;
  }
}

/** A sender and a receiver in their one-on-one, each with a home instance of its own. */
export interface Pair {
  conversationId: string;
  sender: DrillClient;
  receiver: DrillClient;
}

/** What the drill found wrong: each list empty when all is well (at most 10 entries shown). */
export interface DrillReport {
  /** Messages queued that were never acknowledged. */
  unacked: string[];
  /** Acknowledged messages with no row. */
  missing: string[];
  /** (sender, client_id) stored more than once. */
  storedTwice: string[];
  /** Acknowledged with an id other than the stored one. */
  wrongId: string[];
  /** Rows this drill's clients never acknowledged. */
  unexpected: string[];
  /** Conversations whose `seq` or change numbers are not 1..N, or whose counters disagree. */
  gaps: string[];
  /** Acknowledged messages a receiver never got, live or from the feed. */
  undelivered: string[];
}

const first = <T>(list: T[]) => list.slice(0, 10);

/**
 * `pairs` sender → receiver one-on-ones across the instances (the sender of pair i on instance
 * i mod n, its receiver on the next one), each sender sending one message every `intervalMs`
 * while the load runs.
 */
export class Drill {
  private load?: NodeJS.Timeout;

  private constructor(
    readonly name: string,
    readonly pairs: Pair[],
    /** Notified at every ack, message, close and failed request of the drill's clients. */
    readonly signal: Signal,
  ) {}

  static async setUp(name: string, instances: DrillInstance[], pairs: number): Promise<Drill> {
    const signal = new Signal();
    const created = await Promise.all(
      Array.from({ length: pairs }, async (_, i) => {
        const home = instances[i % instances.length];
        const away = instances[(i + 1) % instances.length];
        const order = (first: DrillInstance) => () => [first, ...instances.filter((x) => x !== first)].map((x) => x.url);
        const [from, to] = await Promise.all([drillUser(home.url, `${name}s`), drillUser(away.url, `${name}r`)]);
        const conversationId = await directConversation(home.url, from, to);
        return {
          conversationId,
          sender: new DrillClient(from, order(home), [conversationId], signal, `${name}-${i}-s`),
          receiver: new DrillClient(to, order(away), [conversationId], signal, `${name}-${i}-r`),
        };
      }),
    );
    const drill = new Drill(name, created, signal);
    await Promise.all(created.flatMap((p) => [p.sender.start(), p.receiver.start()]));
    return drill;
  }

  get clients(): DrillClient[] {
    return this.pairs.flatMap((p) => [p.sender, p.receiver]);
  }

  get acked(): number {
    return this.pairs.reduce((n, p) => n + p.sender.acked.size, 0);
  }

  startLoad(intervalMs = 50): void {
    this.load = setInterval(() => {
      for (const pair of this.pairs) pair.sender.send(pair.conversationId);
    }, intervalMs);
  }

  stopLoad(): void {
    clearInterval(this.load);
  }

  /** Resolves once `count` more messages have been acknowledged (than when called). */
  async acks(count: number, timeoutMs = 15_000): Promise<void> {
    const target = this.acked + count;
    await this.signal.until(() => this.acked >= target, timeoutMs, () => `${count} more acks (${this.acked} of ${target})`);
  }

  /** Cuts the connections of every fourth pair and reloads their pages (see DrillClient.blip). */
  blip(): Promise<void[]> {
    return Promise.all(this.pairs.filter((_, i) => i % 4 === 0).flatMap((p) => [p.sender.blip(), p.receiver.blip()]));
  }

  /** Resolves once every sender's outbox is empty. */
  drained(timeoutMs = 20_000): Promise<void> {
    return this.signal.until(
      () => this.pairs.every((p) => p.sender.pending === 0),
      timeoutMs,
      () => `outboxes empty (${this.pairs.map((p) => p.sender.pending).join(' ')} waiting)`,
    );
  }

  /** Resolves once each receiver of `pairs` holds every message its sender got acknowledged. */
  delivered(timeoutMs = 20_000, pairs = this.pairs): Promise<void> {
    return this.signal.until(
      () => pairs.every((p) => p.receiver.hasAll(p.sender.acked.values())),
      timeoutMs,
      () => `every acknowledged message received (missing: ${pairs.map((p) => [...p.sender.acked.values()].filter((id) => !p.receiver.received.has(id)).length).join(' ')})`,
    );
  }

  /** Whatever told a user to log in again: close codes 4401 and REST 401s, per client. */
  loggedOut(): string[] {
    return this.clients.flatMap((c) => [
      ...c.closeCodes.filter((code) => code === 4401).map(() => `${c.user.id}: close 4401`),
      ...c.restFailures.filter((status) => status === 401).map(() => `${c.user.id}: REST 401`),
    ]);
  }

  /** REST refusals other than 503 (a dependency down) and failed connections (an instance down). */
  refusedOtherwise(): number[] {
    return this.clients.flatMap((c) => c.restFailures.filter((status) => status !== 0 && status !== 503));
  }

  /** Checks the stored rows against what the clients saw. */
  async report(db: DrillDatabase): Promise<DrillReport> {
    const ids = this.pairs.map((p) => p.conversationId);
    const rows = await db.query<{ id: string; conversation_id: string; sender_id: string; client_id: string | null }>(
      'SELECT id, conversation_id, sender_id, client_id FROM messages WHERE conversation_id = ANY($1)',
      [ids],
    );
    const stored = new Map<string, string[]>();
    for (const row of rows) {
      const key = `${row.sender_id}/${row.client_id}`;
      stored.set(key, [...(stored.get(key) ?? []), row.id]);
    }
    const report: DrillReport = { unacked: [], missing: [], storedTwice: [], wrongId: [], unexpected: [], gaps: [], undelivered: [] };
    const expected = new Set<string>();
    for (const { sender, receiver } of this.pairs) {
      for (const clientId of sender.queued) if (!sender.acked.has(clientId)) report.unacked.push(clientId);
      for (const [clientId, messageId] of sender.acked) {
        const key = `${sender.user.id}/${clientId}`;
        expected.add(key);
        const found = stored.get(key) ?? [];
        if (found.length === 0) report.missing.push(clientId);
        else if (!found.includes(messageId)) report.wrongId.push(clientId);
        if (!receiver.received.has(messageId)) report.undelivered.push(clientId);
      }
    }
    for (const [key, found] of stored) {
      if (found.length > 1) report.storedTwice.push(key);
      if (!expected.has(key)) report.unexpected.push(key);
    }
    // Messages numbered 1..N, changes (new messages and the rest) 1..M, the conversation's counters at N and M.
    const numbering = await db.query<{ id: string; last_seq: string; last_event_seq: string; n: string; seqs: string; hi: string | null; changes: string; chi: string | null }>(
      `SELECT c.id, c.last_seq, c.last_event_seq, m.n, m.seqs, m.hi, x.changes, x.chi
         FROM conversations c,
              LATERAL (SELECT count(*) AS n, count(DISTINCT seq) AS seqs, max(seq) AS hi FROM messages WHERE conversation_id = c.id) m,
              LATERAL (SELECT count(DISTINCT e) AS changes, max(e) AS chi FROM (
                 SELECT event_seq AS e FROM messages WHERE conversation_id = c.id
                 UNION ALL SELECT event_seq FROM conversation_changes WHERE conversation_id = c.id) all_changes) x
        WHERE c.id = ANY($1)`,
      [ids],
    );
    for (const c of numbering) {
      const [n, changes] = [Number(c.n), Number(c.changes)];
      const dense = Number(c.seqs) === n && Number(c.hi ?? 0) === n && Number(c.last_seq) === n;
      const denseChanges = Number(c.chi ?? 0) === changes && Number(c.last_event_seq) === changes;
      if (!dense || !denseChanges) report.gaps.push(JSON.stringify(c));
    }
    return Object.fromEntries(Object.entries(report).map(([k, v]) => [k, first(v as string[])])) as unknown as DrillReport;
  }

  /** One line on what happened, for the log and for failures. */
  summary(): string {
    const sum = (f: (c: DrillClient) => number) => this.clients.reduce((n, c) => n + f(c), 0);
    const errors = new Map<string, number>();
    for (const c of this.clients) for (const [code, n] of c.errors) errors.set(code, (errors.get(code) ?? 0) + n);
    const closes = new Map<number, number>();
    for (const c of this.clients) for (const code of c.closeCodes) closes.set(code, (closes.get(code) ?? 0) + 1);
    const rest = new Map<number, number>();
    for (const c of this.clients) for (const status of c.restFailures) rest.set(status, (rest.get(status) ?? 0) + 1);
    const live = sum((c) => [...c.received.values()].filter((r) => r.live).length);
    return [
      `${this.name}: ${this.acked} acknowledged`,
      `${live} received live, ${sum((c) => c.received.size) - live} from the feed, ${sum((c) => c.duplicates)} delivered twice on a socket`,
      `${sum((c) => c.reconnects)} reconnects, closes ${JSON.stringify(Object.fromEntries(closes))}`,
      `errors ${JSON.stringify(Object.fromEntries(errors))}, REST failures ${JSON.stringify(Object.fromEntries(rest))}`,
    ].join('; ');
  }

  async stop(): Promise<void> {
    this.stopLoad();
    await Promise.all(this.clients.map((c) => c.stop()));
  }
}

/** Runs a drill's body; a failure carries the drill's summary and what the instances printed. */
export async function withLogs(instances: DrillInstance[], drill: () => Drill | undefined, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const logs = instances.map((i) => i.output()).join('\n');
    const message = error instanceof Error ? error.message : String(error);
    throw Object.assign(error instanceof Error ? error : new Error(message), {
      message: `${message}\n\n${drill()?.summary() ?? '(no drill set up)'}\n\n${logs}`,
    });
  }
}
