import { randomBytes } from 'node:crypto';
import { startApp, type TestApp } from '../support/app';
import { expectError } from '../support/errors';
import { registerUser, startConversation, type TestUser } from '../support/users';
import { type Frame, WsClient } from '../support/ws';

/**
 * Limits per user, whatever the connection: how many sockets one user may hold, how many
 * messages they may send over REST and WebSocket together, and a connection sending faster
 * than its rate being slowed down (its frames wait, in order) before it is refused.
 */
const sockets: WsClient[] = [];
afterEach(async () => {
  await Promise.all(sockets.splice(0).map((s) => s.close()));
});

const cid = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;
const answerTo = (clientId: string) => (f: Frame) => (f.type === 'ack' || f.type === 'error') && f.client_id === clientId;

describe('sockets per user', () => {
  const MAX = 3;
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: { WS_MAX_CONNECTIONS_PER_USER: String(MAX) } });
  });
  afterAll(() => t.close());

  const open = async (user: TestUser, conversationId?: string): Promise<WsClient> => {
    const ws = t.baseUrl.replace(/^http/, 'ws');
    const socket = conversationId
      ? await WsClient.open(`${ws}/ws/${conversationId}/${user.token}`)
      : await WsClient.open(`${ws}/ws`, ['chatflow.v1', `bearer.${user.token}`]);
    sockets.push(socket);
    return socket;
  };

  it('refuses a socket past the cap with 4429, counting both endpoints, and admits one again once another closes', async () => {
    const [alice, bob] = [await registerUser(t, 'cap'), await registerUser(t, 'cap')];
    const id = await startConversation(t, alice, [bob]);
    const admitted = [await open(alice), await open(alice), await open(alice, id)];
    await Promise.all(admitted.map((s) => s.next((f) => f.type === 'ready')));

    const refused = await open(alice);
    await expect(refused.closed).resolves.toEqual({ code: 4429, reason: 'too many connections for this user' });
    expect(refused.frames).toEqual([]);
    // Someone else is not affected.
    await (await open(bob)).next((f) => f.type === 'ready');

    await admitted[0].close();
    // The server counts the close as its own socket closes: retry until it has (each try awaited).
    const deadline = Date.now() + 5_000;
    for (;;) {
      const again = await open(alice);
      const outcome = await Promise.race([again.next((f) => f.type === 'ready').then(() => 'ready'), again.closed.then((c) => c.code)]);
      if (outcome === 'ready') break;
      expect(outcome).toBe(4429);
      if (Date.now() > deadline) throw new Error('no socket admitted 5 s after one closed');
    }
  });
});

describe('messages per user', () => {
  const PER_MINUTE = 6;
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: { MESSAGES_PER_MINUTE_PER_USER: String(PER_MINUTE) } });
  });
  afterAll(() => t.close());

  it('counts REST and WebSocket sends together: past the budget, 429 with Retry-After, or rate_limited; stores nothing refused', async () => {
    const [alice, bob] = [await registerUser(t, 'rate'), await registerUser(t, 'rate')];
    const id = await startConversation(t, alice, [bob]);
    const send = (user: TestUser, content: string) =>
      t.http().post(`/conversations/${id}/messages`).set('Authorization', user.auth).send({ content });
    for (let i = 0; i < PER_MINUTE / 2; i++) expect((await send(alice, `rest ${i}`)).status).toBe(201);

    const socket = await WsClient.stream(t.baseUrl, alice.token);
    sockets.push(socket);
    const ids = Array.from({ length: PER_MINUTE / 2 + 2 }, (_, i) => cid(`ws${i}`));
    for (const clientId of ids) socket.send({ type: 'message', conversation_id: id, content: clientId, client_id: clientId });
    const answers = await Promise.all(ids.map((clientId) => socket.next(answerTo(clientId))));
    expect(answers.map((a) => a.type)).toEqual([...Array(PER_MINUTE / 2).fill('ack'), 'error', 'error']);
    expect(answers.at(-1)).toMatchObject({ code: 'rate_limited', detail: 'Too many messages; slow down' });

    const refused = await send(alice, 'one too many');
    expectError(refused, 429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Bob has his own budget.
    expect((await send(bob, 'my turn')).status).toBe(201);
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND sender_id = $2', [id, alice.id]);
    expect(rows[0].n).toBe(PER_MINUTE);
  });
});

describe('a connection sending faster than its rate', () => {
  const BURST = 10;
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ env: { WS_FRAMES_PER_SECOND: '20', WS_FRAME_BURST: String(BURST) } });
  });
  afterAll(() => t.close());

  it('is slowed down — a second burst waits its turn and is stored in order — and only then refused', async () => {
    const [alice, bob] = [await registerUser(t, 'slow'), await registerUser(t, 'slow')];
    const id = await startConversation(t, alice, [bob]);
    const socket = await WsClient.stream(t.baseUrl, alice.token);
    sockets.push(socket);
    const ids = Array.from({ length: 3 * BURST }, (_, i) => cid(`m${i}`));
    for (const clientId of ids) socket.send({ type: 'message', conversation_id: id, content: clientId, client_id: clientId });
    const answers = await Promise.all(ids.map((clientId) => socket.next(answerTo(clientId), 10_000)));

    const acked = answers.filter((a) => a.type === 'ack').map((a) => a.client_id as string);
    // The burst at once and as many again slowed down; the bucket refills a little while they
    // are read, so one or two more may pass.
    expect(acked.length).toBeGreaterThanOrEqual(2 * BURST);
    expect(acked).toEqual(ids.slice(0, acked.length));
    expect(answers.slice(acked.length).every((a) => a.type === 'error' && a.code === 'rate_limited')).toBe(true);
    expect(acked.length).toBeLessThan(ids.length);
    const history = await t.http().get(`/conversations/${id}/messages?limit=200`).set('Authorization', bob.auth);
    expect(history.body.map((m: { client_id: string }) => m.client_id)).toEqual(acked);
    expect(socket.isOpen).toBe(true);
  });
});
