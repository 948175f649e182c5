import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { chatApi } from '../support/chat';
import { freePort } from '../support/net';
import { RedisProcess } from '../support/redis';
import { ServerProcess, spawnServer, waitForOutput } from '../support/server-process';
import { Frame, WsClient } from '../support/ws';
import { ROOMY_LIMITS } from '../support/app';

/**
 * Two backend processes on one PostgreSQL and one Redis, as behind a load balancer: every
 * real-time event must reach connections on the other instance.
 */
describe('several instances behind a load balancer', () => {
  let redis: RedisProcess;
  const instances: Array<{ server: ServerProcess; url: string }> = [];
  const sockets: WsClient[] = [];
  const secrets = { SECRET_KEY: randomBytes(32).toString('base64url'), ENCRYPTION_KEY: randomBytes(32).toString('base64') };

  async function startInstance(name: string): Promise<{ server: ServerProcess; url: string }> {
    const port = await freePort();
    const server = spawnServer({
      ...secrets,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      PORT: String(port),
      DATABASE_URL: process.env.E2E_DATABASE_URL!,
      REDIS_URL: redis.url,
      INSTANCE_ID: name,
      PRESENCE_GRACE_MS: '200',
      PRESENCE_HEARTBEAT_MS: '200',
      WS_GAP_TIMEOUT_MS: '200',
      ...ROOMY_LIMITS,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '4',
      WS_MAX_CONNECTIONS_PER_USER: '4',
    });
    await waitForOutput(server, 'ChatFlow API on');
    const instance = { server, url: `http://127.0.0.1:${port}` };
    instances.push(instance);
    return instance;
  }

  beforeAll(async () => {
    redis = await RedisProcess.start();
    await Promise.all([startInstance('instance-a'), startInstance('instance-b')]);
  }, 60_000);

  afterEach(async () => {
    await Promise.all(sockets.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.server.stop('SIGTERM')));
    await redis.stop();
  });

  const [a, b] = [() => instances[0].url, () => instances[1].url];

  async function user(base: string) {
    const username = `so_${randomBytes(5).toString('hex')}`;
    const password = 'scale-out-password';
    const reg = await request(base).post('/auth/register').send({ username, email: `${username}@x.test`, password });
    const login = await request(base).post('/auth/login').send({ username, password });
    return { id: reg.body.id as string, token: login.body.access_token as string, auth: `Bearer ${login.body.access_token}` };
  }

  async function stream(base: string, token: string): Promise<WsClient> {
    const socket = await WsClient.stream(base, token);
    sockets.push(socket);
    return socket;
  }

  async function conversationOf(base: string, owner: { auth: string }, others: Array<{ id: string }>, name?: string): Promise<string> {
    const res = await request(base)
      .post('/conversations/')
      .set('Authorization', owner.auth)
      .send({ participant_ids: others.map((o) => o.id), ...(name ? { name } : {}) });
    return res.body.id;
  }

  it('delivers a message sent on one instance to a connection on the other, and the ack to the sender', async () => {
    const [alice, bob] = [await user(a()), await user(b())];
    const id = await conversationOf(a(), alice, [bob]);
    const [onA, onB] = [await stream(a(), alice.token), await stream(b(), bob.token)];
    onA.send({ type: 'message', conversation_id: id, content: 'across instances', client_id: 'x-1' });
    const ack = await onA.next((f) => f.type === 'ack');
    const received = await onB.next((f) => f.type === 'message');
    expect(received.message).toEqual(ack.message);
    // Bob's instance records the push; Alice hears about it on hers.
    const delivered = await onA.next((f) => f.type === 'conversation_delivered');
    expect(delivered).toMatchObject({ conversation_id: id, user_id: bob.id });
  });

  it('carries edits, reactions and deletions made on one instance to the other, in change order', async () => {
    const [alice, bob] = [await user(a()), await user(b())];
    const id = await conversationOf(a(), alice, [bob]);
    const onB = await stream(b(), bob.token);
    const sent = await request(a()).post(`/conversations/${id}/messages`).set('Authorization', alice.auth).send({ content: 'first draft' });
    const path = `/conversations/${id}/messages/${sent.body.id}`;
    await request(a()).patch(path).set('Authorization', alice.auth).send({ content: 'second draft' });
    await request(b()).put(`${path}/reactions/${encodeURIComponent('👍')}`).set('Authorization', bob.auth);
    await request(a()).delete(path).set('Authorization', alice.auth);
    const changes = await onB.collect((f) => f.type !== 'ready' && f.type !== 'presence' && f.type !== 'conversation_delivered', 4);
    expect(changes.map((f) => [f.type, f.event_seq])).toEqual([
      ['message', 1],
      ['message_updated', 2],
      ['message_updated', 3],
      ['message_deleted', 4],
    ]);
    expect(changes[1].message.content).toBe('second draft');
    expect(changes[3].message).toMatchObject({ content: '', reactions: [], version: 4 });
  });

  it('relays typing, read receipts, conversation creation and presence across instances', async () => {
    const [alice, bob] = [await user(a()), await user(b())];
    const onA = await stream(a(), alice.token);
    const id = await conversationOf(b(), bob, [alice]);
    const created = await onA.next((f) => f.type === 'conversation_created');
    expect(created.conversation.id).toBe(id);

    const onB = await stream(b(), bob.token);
    const online = await onA.next((f) => f.type === 'presence' && f.user_id === bob.id && f.status === 'online');
    expect(online.last_seen_at).toBeNull();

    onB.send({ type: 'typing', conversation_id: id, is_typing: true });
    expect(await onA.next((f) => f.type === 'typing')).toEqual({ type: 'typing', conversation_id: id, user_id: bob.id, is_typing: true });

    onB.send({ type: 'read', conversation_id: id });
    expect(await onA.next((f) => f.type === 'conversation_read')).toMatchObject({ conversation_id: id, user_id: bob.id });

    await onB.close();
    sockets.splice(sockets.indexOf(onB), 1);
    const offline = await onA.next((f) => f.type === 'presence' && f.user_id === bob.id && f.status === 'offline');
    expect(offline.last_seen_at).toEqual(expect.any(String));
  });

  it('gives connections on both instances one and the same order while both sides send at once', async () => {
    const [alice, bob] = [await user(a()), await user(b())];
    const id = await conversationOf(a(), alice, [bob]);
    const [aliceOnA, bobOnB] = [await stream(a(), alice.token), await stream(b(), bob.token)];
    const [watchA, watchB] = [await stream(a(), bob.token), await stream(b(), alice.token)];
    const perSender = 60;
    for (let i = 0; i < perSender; i++) {
      aliceOnA.send({ type: 'message', conversation_id: id, content: `a${i}` });
      bobOnB.send({ type: 'message', conversation_id: id, content: `b${i}` });
    }
    const isMessage = (f: Frame) => f.type === 'message' && f.message.conversation_id === id;
    const [seenOnA, seenOnB] = await Promise.all([watchA.collect(isMessage, perSender * 2, 20_000), watchB.collect(isMessage, perSender * 2, 20_000)]);
    const history = await request(a()).get(`/conversations/${id}/messages?limit=200`).set('Authorization', alice.auth);
    const order = history.body.map((m: { id: string }) => m.id);
    expect(order).toHaveLength(perSender * 2);
    expect(seenOnA.map((f) => f.message.id)).toEqual(order);
    expect(seenOnB.map((f) => f.message.id)).toEqual(order);
  });

  describe('membership changes', () => {
    const onA = chatApi(() => request(a()));
    const onB = chatApi(() => request(b()));
    const isNotice = (id: string, action: string) => (f: Frame) => f.type === 'message' && f.message.conversation_id === id && f.message.system?.action === action;
    const isAbout = (id: string) => (f: Frame) => f.conversation_id === id || f.message?.conversation_id === id;

    it('stops delivering to a member connected on B at their removal committed on A: notice, conversation_removed, 4403, nothing after', async () => {
      const [owner, stays, gone] = [await user(a()), await user(b()), await user(b())];
      const id = await onA.groupOf(owner, [stays, gone], 'Across');
      const elsewhere = await onA.groupOf(owner, [gone], 'Elsewhere');
      const [staysOnB, goneOnB] = [await stream(b(), stays.token), await stream(b(), gone.token)];
      const goneSeedOnB = await WsClient.conversation(b(), id, gone.token);
      sockets.push(goneSeedOnB);
      const before = await onA.sendOk(owner, id, 'before');
      await goneOnB.next((f) => f.type === 'message' && f.message.id === before.id);

      await onA.removeOk(owner, id, gone);
      // Sent on B at once, while B may still have Gone in its cache of the members.
      const after = await onB.sendOk(stays, id, 'after');
      const removedNotice = await goneOnB.next(isNotice(id, 'member_removed'));
      const removal = await goneOnB.next((f) => f.type === 'conversation_removed');
      expect(removal).toEqual({ type: 'conversation_removed', conversation_id: id });
      expect((await goneSeedOnB.closed).code).toBe(4403);
      expect(goneSeedOnB.frames.filter((f) => f.type === 'message').map((f) => f.message.system?.action ?? f.message.content)).toEqual([
        'before',
        'member_removed',
      ]);

      // The group goes on, from both instances: Stays, on B, gets it all; Gone nothing.
      await onA.edit(owner, id, before.id, 'before, edited');
      await onA.rename(owner, id, 'Across, smaller');
      await staysOnB.next((f) => f.type === 'message' && f.message.id === after.id);
      await staysOnB.next((f) => f.type === 'message_updated' && f.message.content === 'before, edited');
      await staysOnB.next((f) => f.type === 'conversation_updated' && f.conversation.name === 'Across, smaller');
      const barrier = await onA.sendOk(owner, elsewhere, 'barrier');
      const barrierFrame = await goneOnB.next((f) => f.type === 'message' && f.message.id === barrier.id);
      const aboutIt = goneOnB.before(barrierFrame).filter(isAbout(id));
      expect(aboutIt.slice(aboutIt.indexOf(removedNotice))).toEqual([removedNotice, removal]);

      goneOnB.send({ type: 'message', conversation_id: id, content: 'let me in', client_id: 'gone-on-b' });
      expect(await goneOnB.next((f) => f.type === 'error' && f.client_id === 'gone-on-b')).toMatchObject({ code: 'forbidden' });
      expect((await onB.messagesOk(stays, id)).map((m) => m.content || m.system?.action)).toEqual([
        'before, edited',
        'member_removed',
        'after',
        'renamed',
      ]);
    });

    it('delivers the next message sent on A to a member just added on A, connected on B', async () => {
      const [owner, early, newcomer] = [await user(a()), await user(a()), await user(b())];
      const id = await onA.groupOf(owner, [early], 'Growing');
      await onA.sendOk(early, id, 'before you');
      const [newcomerOnB, ownerOnA] = [await stream(b(), newcomer.token), await stream(a(), owner.token)];

      await onA.addOk(owner, id, [newcomer]);
      const added = await newcomerOnB.next(isNotice(id, 'member_added'));
      expect(added.message.system.user_ids).toEqual([newcomer.id]);
      const update = await newcomerOnB.next((f) => f.type === 'conversation_updated' && f.conversation_id === id);
      expect(update.conversation.participants.map((p: { id: string }) => p.id)).toContain(newcomer.id);

      const rest = await onA.sendOk(early, id, 'welcome');
      ownerOnA.send({ type: 'message', conversation_id: id, content: 'from a socket on A', client_id: 'added-1' });
      const fromSocket = await newcomerOnB.next((f) => f.type === 'message' && f.message.client_id === 'added-1');
      const seen = newcomerOnB.before(fromSocket).filter((f) => f.event_seq !== undefined && isAbout(id)(f));
      expect(seen.map((f) => [f.type, f.event_seq])).toEqual([
        ['message', added.event_seq],
        ['conversation_updated', added.event_seq + 1],
        ['message', added.event_seq + 2],
      ]);
      expect(seen[2].message.id).toBe(rest.id);
      expect(fromSocket.event_seq).toBe(added.event_seq + 3);
    });
  });

  it('counts failed logins across instances, so a balancer does not multiply an attacker’s budget', async () => {
    const victim = await user(a());
    const username = (await request(a()).get('/users/me').set('Authorization', victim.auth)).body.username;
    const bases = [a(), b()];
    // LOGIN_MAX_FAILURES_PER_ACCOUNT is 4 on these instances: two failures on each.
    for (let i = 0; i < 4; i++) {
      const res = await request(bases[i % 2]).post('/auth/login').send({ username, password: `wrong-${i}` });
      expect(res.status).toBe(401);
    }
    for (const base of bases) {
      const blocked = await request(base).post('/auth/login').send({ username, password: 'scale-out-password' });
      expect(blocked.status).toBe(429);
    }
  });

  it('keeps serving each instance’s own clients while Redis is down, reports it, and catches up when it returns', async () => {
    const [alice, bob, carol] = [await user(a()), await user(a()), await user(b())];
    const id = await conversationOf(a(), alice, [bob, carol], 'outage');
    const [aliceOnA, bobOnA, carolOnB] = [await stream(a(), alice.token), await stream(a(), bob.token), await stream(b(), carol.token)];

    await redis.stop();
    for (const base of [a(), b()]) {
      const health = await request(base).get('/health');
      expect(health.status).toBe(503);
      expect(health.body.details.redis.status).toBe('down');
    }
    aliceOnA.send({ type: 'message', conversation_id: id, content: 'during the outage', client_id: 'outage-1' });
    const during = await bobOnA.next((f) => f.type === 'message' && f.message.content === 'during the outage');
    expect((await aliceOnA.next((f) => f.type === 'ack' && f.client_id === 'outage-1')).message.id).toBe(during.message.id);

    await redis.resume();
    await Promise.all(
      [a(), b()].map(async (base) => {
        // ioredis reconnects on its own; wait for both instances to report Redis up.
        for (let health = await request(base).get('/health'); health.status !== 200; health = await request(base).get('/health')) {
          await new Promise((resolve) => setImmediate(resolve));
        }
      }),
    );
    aliceOnA.send({ type: 'message', conversation_id: id, content: 'after the outage', client_id: 'outage-2' });
    const seen = await carolOnB.collect((f) => f.type === 'message' && f.message.conversation_id === id, 2);
    expect(seen.map((f) => f.message.content)).toEqual(['during the outage', 'after the outage']);
  });

  it('delivers live, once Redis is back, what was sent during the outage in a conversation that then went quiet', async () => {
    const [alice, bob, carol] = [await user(a()), await user(b()), await user(b())];
    const quiet = await conversationOf(a(), alice, [bob], undefined);
    const [aliceOnA, bobOnB, carolOnB] = [await stream(a(), alice.token), await stream(b(), bob.token), await stream(b(), carol.token)];

    await redis.stop();
    const sent = Array.from({ length: 5 }, (_, i) => `quiet ${i + 1}`);
    for (const [i, content] of sent.entries()) aliceOnA.send({ type: 'message', conversation_id: quiet, content, client_id: `quiet-${i}` });
    await aliceOnA.collect((f) => f.type === 'ack' && f.message.conversation_id === quiet, sent.length);
    // A conversation begun on A during the outage: B's streams hear of it once Redis is back.
    const begun = await conversationOf(a(), alice, [carol], undefined);
    await redis.resume();

    // Nothing more is sent: B must read what it missed from PostgreSQL on its own.
    const seen = await bobOnB.collect((f) => f.type === 'message' && f.message.conversation_id === quiet, sent.length);
    expect(seen.map((f) => f.message.content)).toEqual(sent);
    const created = await carolOnB.next((f) => f.type === 'conversation_created' && f.conversation.id === begun);
    expect(created.conversation.participants.map((p: { id: string }) => p.id).sort()).toEqual([alice.id, carol.id].sort());
    // …and follows it from there.
    aliceOnA.send({ type: 'message', conversation_id: begun, content: 'hello carol', client_id: 'begun-1' });
    expect((await carolOnB.next((f) => f.type === 'message' && f.message.conversation_id === begun)).message.content).toBe('hello carol');
  });

  it('announces the users of an instance that died as offline, from the surviving instance', async () => {
    const doomed = await startInstance('instance-doomed');
    const [alice, bob] = [await user(a()), await user(doomed.url)];
    await conversationOf(a(), alice, [bob]);
    const onA = await stream(a(), alice.token);
    const bobSocket = await WsClient.stream(doomed.url, bob.token);
    await onA.next((f) => f.type === 'presence' && f.user_id === bob.id && f.status === 'online');
    await doomed.server.stop('SIGKILL');
    await bobSocket.closed;
    const offline = await onA.next((f) => f.type === 'presence' && f.user_id === bob.id && f.status === 'offline', 10_000);
    expect(offline.last_seen_at).toEqual(expect.any(String));
  });

  it('closes its sockets with 1001 on SIGTERM after finishing what it acknowledged, and clients carry on elsewhere', async () => {
    const leaving = await startInstance('instance-leaving');
    const [alice, bob] = [await user(a()), await user(a())];
    const id = await conversationOf(a(), alice, [bob]);
    const onLeaving = await WsClient.stream(leaving.url, alice.token);
    const acked: string[] = [];
    for (let i = 0; i < 20; i++) onLeaving.send({ type: 'message', conversation_id: id, content: `m${i}`, client_id: `sigterm-${i}` });
    await onLeaving.next((f) => f.type === 'ack' && f.client_id === 'sigterm-0');
    const stopped = leaving.server.stop('SIGTERM');
    const closed = await onLeaving.closed;
    expect(closed.code).toBe(1001);
    expect(await stopped).toBe(0);
    for (const f of onLeaving.frames) if (f.type === 'ack') acked.push(f.message.id);
    const history = await request(a()).get(`/conversations/${id}/messages?limit=200`).set('Authorization', alice.auth);
    const stored = history.body.map((m: { id: string }) => m.id);
    expect(acked.length).toBeGreaterThan(0);
    expect(stored).toEqual(expect.arrayContaining(acked));

    const elsewhere = await stream(a(), alice.token);
    elsewhere.send({ type: 'message', conversation_id: id, content: 'reconnected', client_id: 'after-sigterm' });
    expect((await elsewhere.next((f) => f.type === 'ack')).message.content).toBe('reconnected');
  });

  it('logging out on one instance refuses the token on the other at once and closes its sockets there with 4401', async () => {
    const alice = await user(a());
    const password = 'scale-out-password';
    const me = await request(b()).get('/users/me').set('Authorization', alice.auth);
    expect(me.status).toBe(200); // instance B now remembers the session as live
    const login = await request(b()).post('/auth/login').send({ username: me.body.username, password });
    const otherDevice = await stream(b(), login.body.access_token);
    const onB = await stream(b(), alice.token);

    expect((await request(a()).post('/auth/logout').set('Authorization', alice.auth)).status).toBe(204);
    await expect(onB.closed).resolves.toEqual({ code: 4401, reason: 'session revoked' });
    expect(onB.frames.at(-1)).toEqual({ type: 'session_revoked' });
    expect((await request(b()).get('/users/me').set('Authorization', alice.auth)).status).toBe(401);
    expect(otherDevice.isOpen).toBe(true);
    expect((await request(b()).get('/users/me').set('Authorization', `Bearer ${login.body.access_token}`)).status).toBe(200);
  });

  it("counts a user's sockets on every instance together against the cap", async () => {
    const alice = await user(a());
    for (const base of [a(), a(), b(), b()]) await stream(base, alice.token);
    const refused = await WsClient.open(`${a().replace(/^http/, 'ws')}/ws`, ['chatflow.v1', `bearer.${alice.token}`]);
    sockets.push(refused);
    await expect(refused.closed).resolves.toMatchObject({ code: 4429 });
  });
});
