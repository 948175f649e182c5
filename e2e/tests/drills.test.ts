import { randomBytes } from 'node:crypto';
import { Drill, DrillDatabase, DrillInstance, withLogs } from '../support/drill';
import { RedisProcess } from '../support/redis';

/**
 * Fault drills, as an operator would run them: two backend instances on a private PostgreSQL
 * and Redis, under load from clients that behave like the web client (16 one-on-ones, senders
 * and receivers on different instances, ~300 messages/s). Around each fault: every
 * acknowledged message is stored exactly once and reaches its receiver, live or from the
 * change feed after a reconnect, and numbering stays dense.
 */
describe('fault drills: two instances under load', () => {
  const PAIRS = 16;
  let db: DrillDatabase;
  let redis: RedisProcess;
  let a: DrillInstance;
  let b: DrillInstance;
  let drill: Drill | undefined;
  const secrets = { SECRET_KEY: randomBytes(32).toString('base64url'), ENCRYPTION_KEY: randomBytes(32).toString('base64') };

  beforeAll(async () => {
    [db, redis] = await Promise.all([DrillDatabase.start(), RedisProcess.start()]);
    const options = { databaseUrl: db.url, redisUrl: redis.url, secrets };
    [a, b] = await Promise.all([DrillInstance.create('instance-a', options), DrillInstance.create('instance-b', options)]);
    await Promise.all([a.start(), b.start()]);
  }, 60_000);

  // Each drill begins with both instances up, whatever the one before did to them.
  beforeEach(async () => {
    await Promise.all([a, b].filter((i) => !i.running).map((i) => i.start()));
  }, 30_000);

  afterEach(async () => {
    if (drill) console.log(drill.summary());
    await drill?.stop();
    drill = undefined;
  });

  afterAll(async () => {
    await Promise.all([a, b].map((i) => i?.stop('SIGTERM')));
    await redis?.stop();
    await db?.remove();
  });

  /** Nobody told to log in again; with `dependencyDown`, REST refused only with 503 meanwhile. */
  const nobodyLoggedOut = (d: Drill, dependencyDown: boolean) => {
    expect(d.loggedOut()).toEqual([]);
    if (dependencyDown) expect(d.refusedOtherwise()).toEqual([]);
  };

  /** Sets up the load, runs the fault, stops the load, then checks what was stored and received. */
  const run = (name: string, body: (drill: Drill) => Promise<void>, dependencyDown = false) =>
    withLogs(
      [a, b],
      () => drill,
      async () => {
        drill = await Drill.setUp(name, [a, b], PAIRS);
        drill.startLoad();
        await drill.acks(150);
        await body(drill);
        drill.stopLoad();
        await drill.drained();
        await drill.delivered();
        expect(await drill.report(db)).toEqual({ unacked: [], missing: [], storedTwice: [], wrongId: [], unexpected: [], gaps: [], undelivered: [] });
        nobodyLoggedOut(drill, dependencyDown);
      },
    );

  it('PostgreSQL restart: nothing lost or doubled, nobody logged out', async () => {
    await run('pg', async (d) => {
      await db.stop();
      // Some clients lose their connection and reload while the database is down.
      const blips = d.blip();
      await d.signal.until(
        () => d.clients.some((c) => c.restFailures.length > 0) && d.clients.some((c) => c.errors.size > 0),
        10_000,
        () => 'the outage felt: a failed request and a refused message',
      );
      await db.resume();
      await blips;
      await d.acks(150);
    }, true);
  }, 90_000);

  it('Redis killed and restarted: what was sent meanwhile reaches receivers live once it is back, nobody logged out', async () => {
    await run('redis', async (d) => {
      await redis.stop();
      await d.blip();
      // Each instance still stores and acknowledges its own clients' messages.
      await d.acks(150);
      d.stopLoad();
      await d.drained();
      // Nothing more is sent: what the other instance missed must reach its clients by itself.
      const stayed = d.pairs.filter((p) => p.receiver.reconnects === 0);
      await redis.resume();
      await d.delivered(5_000, stayed);
      const notLive = stayed.flatMap((p) => [...p.receiver.received.values()].filter((r) => !r.live && p.sender.acked.has(r.clientId)));
      expect(notLive).toEqual([]);
    }, true);
  }, 90_000);

  it('kill -9 of an instance: its clients carry on on the other, resending what was not acknowledged', async () => {
    await run('kill', async (d) => {
      expect(await a.stop('SIGKILL')).toBeNull();
      // Its clients' messages are acknowledged again once they are on B…
      await d.acks(200);
      const movedToB = d.clients.filter((c) => c.reconnects > 0);
      expect(movedToB.length).toBeGreaterThanOrEqual(PAIRS);
      // …and A rejoins under load.
      await a.start();
      await d.acks(100);
    });
  }, 90_000);

  it('SIGTERM drain of an instance: it finishes what it acknowledged, closes with 1001, clients move on', async () => {
    await run('drain', async (d) => {
      expect(await b.stop('SIGTERM')).toBe(0);
      const onB = d.clients.filter((c) => c.closeCodes.includes(1001));
      expect(onB.length).toBe(PAIRS);
      // B stays down (the next test starts it again): everyone carries on on A.
      await d.acks(200);
    });
  }, 90_000);
});
