import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { DataSource, type QueryRunner, Logger as TypeOrmLogger } from 'typeorm';
import { ConversationsRepository } from '../../backend/src/conversations/conversations.repository';
import { MessageRefused, MessagesRepository, NewMessage } from '../../backend/src/conversations/messages.repository';
import { BlocksRepository } from '../../backend/src/users/blocks.repository';
import { dataSourceOptions } from '../../backend/src/database/data-source-options';
import { migrate } from '../../backend/src/platform/database/migrate';

/** The message writer against a real PostgreSQL: group commit, order, idempotency, isolation of failures. */
describe('MessagesRepository.append (group commit)', () => {
  let dataSource: DataSource;
  let repository: MessagesRepository;
  const statements: string[] = [];
  const sent = new EventEmitter();
  const inserts = () => statements.filter((s) => s.includes('INSERT INTO messages')).length;
  /** Resolves once `count` message INSERTs have been sent to PostgreSQL. */
  async function insertsSent(count: number): Promise<void> {
    while (inserts() < count) await once(sent, 'statement');
  }
  /**
   * Resolves once `count` statements wait inside PostgreSQL behind the backend `pid`: blocked
   * by it, or by one of those. "Sent" (logged by TypeORM) is not "queued": PostgreSQL's row
   * locks are not first come, first served, so a statement that reaches the row after the
   * holder commits, but before the first waiter has taken it, can take it first.
   */
  async function queuedBehind(pid: number, count: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const [{ waiting }] = await dataSource.query(
        `WITH RECURSIVE queued AS (
           SELECT pid FROM pg_stat_activity WHERE $1 = ANY (pg_blocking_pids(pid))
           UNION
           SELECT a.pid FROM pg_stat_activity a JOIN queued q ON q.pid = ANY (pg_blocking_pids(a.pid))
         ) SELECT count(*)::int AS waiting FROM queued`,
        [pid],
      );
      if (waiting >= count) return;
      if (Date.now() > deadline) throw new Error(`${waiting} of ${count} statements queued behind backend ${pid}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  beforeAll(async () => {
    const logger: TypeOrmLogger = {
      logQuery: (query) => {
        statements.push(String(query));
        sent.emit('statement');
      },
      logQueryError: () => undefined,
      logQuerySlow: () => undefined,
      logSchemaBuild: () => undefined,
      logMigration: () => undefined,
      log: () => undefined,
    };
    dataSource = await new DataSource({ ...dataSourceOptions(process.env.E2E_DATABASE_URL!, 4), logger, logging: true }).initialize();
    await migrate(dataSource);
    repository = new MessagesRepository(dataSource.manager);
  });
  afterAll(() => dataSource.destroy());

  async function seedConversation(): Promise<{ conversationId: string; senders: string[] }> {
    const senders: string[] = [];
    for (let i = 0; i < 2; i++) {
      const name = `mw_${randomBytes(5).toString('hex')}`;
      const [user] = await dataSource.query(
        `INSERT INTO users (username, email, password_hash) VALUES ($1, $2, 'x') RETURNING id`,
        [name, `${name}@x.test`],
      );
      senders.push(user.id);
    }
    const [conversation] = await dataSource.query(`INSERT INTO conversations (name, is_group_chat) VALUES ('g', true) RETURNING id`);
    await dataSource.query(`INSERT INTO participants (conversation_id, user_id) SELECT $1, unnest($2::uuid[])`, [conversation.id, senders]);
    return { conversationId: conversation.id, senders };
  }

  /** A transaction holding the conversation's row lock, and its backend's pid. */
  async function holdLock(conversationId: string): Promise<{ holder: QueryRunner; holderPid: number }> {
    const holder = dataSource.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    await holder.query(`SELECT 1 FROM conversations WHERE id = $1 FOR UPDATE`, [conversationId]);
    const [{ pid }] = await holder.query(`SELECT pg_backend_pid() AS pid`);
    return { holder, holderPid: pid };
  }

  const message = (conversationId: string, senderId: string, clientId: string | null = null): NewMessage => ({
    id: randomUUID(),
    conversationId,
    senderId,
    clientId,
    ciphertext: randomBytes(32),
    keyId: 'test',
    replyToId: null,
    searchTokens: [],
    searchKeyId: 'test',
  });

  it('stores concurrent appends with fewer statements than messages, numbered densely in arrival order', async () => {
    const { conversationId, senders } = await seedConversation();
    const batch = Array.from({ length: 50 }, (_, i) => message(conversationId, senders[i % 2]));
    statements.length = 0;
    const rows = await Promise.all(batch.map((m) => repository.append(m)));
    const inserts = statements.filter((s) => s.includes('INSERT INTO messages'));
    expect(inserts.length).toBeLessThan(batch.length);
    expect(rows.map((r) => r!.id)).toEqual(batch.map((m) => m.id));
    expect(rows.map((r) => Number(r!.seq))).toEqual(batch.map((_, i) => i + 1));
    const [conversation] = await dataSource.query(`SELECT last_seq FROM conversations WHERE id = $1`, [conversationId]);
    expect(Number(conversation.last_seq)).toBe(batch.length);
  });

  it('starts a second writer while the first is in flight; the row lock keeps the numbering dense', async () => {
    const { conversationId, senders } = await seedConversation();
    // Hold the conversation's row lock so the first writer's statement waits inside PostgreSQL.
    const { holder, holderPid } = await holdLock(conversationId);
    statements.length = 0;
    try {
      const first = repository.append(message(conversationId, senders[0]));
      await insertsSent(1);
      await queuedBehind(holderPid, 1);
      // Arrives while the first is blocked: it does not wait behind it in the server.
      const second = repository.append(message(conversationId, senders[1]));
      await insertsSent(2);
      await queuedBehind(holderPid, 2);
      await holder.commitTransaction();
      const rows = await Promise.all([first, second]);
      expect(rows.map((r) => Number(r!.seq))).toEqual([1, 2]);
      expect(inserts()).toBe(2);
      const [conversation] = await dataSource.query(`SELECT last_seq FROM conversations WHERE id = $1`, [conversationId]);
      expect(Number(conversation.last_seq)).toBe(2);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });

  it('stores a client_id once per sender, even twice in one batch, leaving no gap in the numbering', async () => {
    const { conversationId, senders } = await seedConversation();
    const first = message(conversationId, senders[0], 'same');
    const again = message(conversationId, senders[0], 'same');
    const other = message(conversationId, senders[1], 'same');
    const [a, b, c] = await Promise.all([first, again, other].map((m) => repository.append(m)));
    expect(a!.id).toBe(first.id);
    expect(b).toBeUndefined();
    expect(c!.id).toBe(other.id);
    const later = await repository.append(message(conversationId, senders[0], 'same'));
    expect(later).toBeUndefined();
    const next = await repository.append(message(conversationId, senders[0]));
    expect(Number(next!.seq)).toBe(3);
  });

  it('keeps the numbering dense when two statements in flight store the same client_id', async () => {
    const { conversationId, senders } = await seedConversation();
    const { holder, holderPid } = await holdLock(conversationId);
    statements.length = 0;
    try {
      const original = message(conversationId, senders[0], 'resent');
      const first = repository.append(original);
      await insertsSent(1);
      await queuedBehind(holderPid, 1);
      // A resend of the same client_id (another device, another instance) in a second statement,
      // whose snapshot cannot see the first one's row: both passed their duplicate check.
      const resend = repository.append(message(conversationId, senders[0], 'resent'));
      const next = repository.append(message(conversationId, senders[1]));
      await insertsSent(2);
      await queuedBehind(holderPid, 2);
      await holder.commitTransaction();
      const [stored, duplicate, after] = await Promise.all([first, resend, next]);
      expect(stored!.id).toBe(original.id);
      expect(duplicate).toBeUndefined();
      const seqs = (await dataSource.query(`SELECT seq FROM messages WHERE conversation_id = $1 ORDER BY seq`, [conversationId])).map(
        (r: { seq: string }) => Number(r.seq),
      );
      expect(seqs).toEqual([1, 2]);
      expect(Number(after!.seq)).toBe(2);
      const [conversation] = await dataSource.query(`SELECT last_seq, last_event_seq FROM conversations WHERE id = $1`, [conversationId]);
      expect([Number(conversation.last_seq), Number(conversation.last_event_seq)]).toEqual([2, 2]);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
  });

  describe('checks the sender again when who may write changed while the message waited for the lock', () => {
    /**
     * The conversation's row lock is held while `change` runs in the holder's transaction;
     * a message of `sender` is queued behind it in PostgreSQL (its checks already read), then
     * the holder commits.
     */
    async function whileQueued(conversationId: string, sender: string, change: (holder: QueryRunner) => Promise<void>) {
      const holder = dataSource.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      try {
        await new ConversationsRepository(holder.manager).lock(holder.manager, conversationId);
        const [{ pid }] = await holder.query(`SELECT pg_backend_pid() AS pid`);
        const pending = repository.append(message(conversationId, sender));
        await queuedBehind(pid, 1);
        await change(holder);
        await holder.commitTransaction();
        return await pending.then((row) => ({ row, refusal: undefined }), (error: unknown) => ({ row: undefined, refusal: error }));
      } finally {
        if (holder.isTransactionActive) await holder.rollbackTransaction();
        await holder.release();
      }
    }
    const storedIn = async (conversationId: string) =>
      (await dataSource.query(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1`, [conversationId]))[0].n;

    it('refuses a sender removed from the conversation meanwhile, storing nothing', async () => {
      const { conversationId, senders } = await seedConversation();
      const outcome = await whileQueued(conversationId, senders[0], (holder) =>
        new ConversationsRepository(holder.manager).removeMember(holder.manager, conversationId, senders[0]),
      );
      expect(outcome.refusal).toEqual(new MessageRefused('not_participant'));
      expect(await storedIn(conversationId)).toBe(0);
      // The other member still writes, numbered from 1.
      expect(Number((await repository.append(message(conversationId, senders[1])))!.seq)).toBe(1);
    });

    it('refuses a message of a one-on-one blocked meanwhile, storing nothing', async () => {
      const { senders } = await seedConversation();
      const [direct] = await dataSource.query(
        `INSERT INTO conversations (is_group_chat, direct_key) VALUES (false, $1) RETURNING id`,
        [[...senders].sort().join(':')],
      );
      await dataSource.query(`INSERT INTO participants (conversation_id, user_id) SELECT $1, unnest($2::uuid[])`, [direct.id, senders]);
      const outcome = await whileQueued(direct.id, senders[0], async (holder) => {
        expect(await new BlocksRepository(holder.manager).block(senders[1], senders[0])).toBe(true);
      });
      expect(outcome.refusal).toEqual(new MessageRefused('blocked'));
      expect(await storedIn(direct.id)).toBe(0);
    });

    it('stores the message when what changed meanwhile took nobody’s right away', async () => {
      const { conversationId, senders } = await seedConversation();
      const outcome = await whileQueued(conversationId, senders[0], async (holder) => {
        await holder.query(`UPDATE conversations SET name = 'renamed' WHERE id = $1`, [conversationId]);
      });
      expect(Number(outcome.row!.seq)).toBe(1);
    });
  });

  it('stores the rest of a batch when one of its messages cannot be stored', async () => {
    const { conversationId, senders } = await seedConversation();
    const good = [message(conversationId, senders[0]), message(conversationId, senders[1])];
    const bad = message(conversationId, randomUUID());
    const results = await Promise.allSettled([good[0], bad, good[1]].map((m) => repository.append(m)));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const stored = await dataSource.query(`SELECT id FROM messages WHERE conversation_id = $1 ORDER BY seq`, [conversationId]);
    expect(stored.map((r: { id: string }) => r.id)).toEqual(good.map((m) => m.id));
  });
});
