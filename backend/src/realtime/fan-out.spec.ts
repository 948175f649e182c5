import type { ConversationChangeEvent, Message } from '@chatflow/protocol';
import type { AppConfig } from '../config/app-config';
import type { SessionCheck } from '../auth/session-check';
import type { ChangeFeedService } from '../conversations/change-feed.service';
import type { ConversationsService } from '../conversations/conversations.service';
import type { DeliveryReceipt } from '../conversations/messages.repository';
import type { MessagesService } from '../conversations/messages.service';
import type { ParticipantDirectory } from '../conversations/participant-directory';
import { InProcessEventBus } from '../platform/bus/event-bus';
import { fakeSocket, type FakeSocket } from '../testing/fake-socket';
import { aMessage } from '../testing/messages';
import { ConnectionRegistry } from './connection-registry';
import type { Envelope } from './envelope';
import { FanOut } from './fan-out';

const C1 = 'c1';
const C2 = 'c2';
const limits = { maxBufferedBytes: 1_000_000, framesPerSecond: 100, frameBurst: 100 };

/** The conversation's `seq`-th message, stored as its `seq`-th change. */
function message(seq: number, senderId = 'alice', conversationId = C1): Message {
  return aMessage({ id: `m${seq}`, conversation_id: conversationId, seq, sender_id: senderId, content: `#${seq}`, client_id: `k${seq}` });
}

function stored(seq: number, users = ['alice', 'bob'], senderConnectionId?: string, conversationId = C1): Envelope {
  const event = { type: 'message', message: message(seq, 'alice', conversationId), event_seq: seq } as const;
  return { origin: 'other', users, conversationId, eventSeq: seq, senderConnectionId, event };
}

/** A system message of the conversation's membership, stored as its `seq`-th change. */
function notice(seq: number, action: 'member_added' | 'member_removed' | 'member_left', userIds: string[], users: string[]): Envelope {
  const message = aMessage({ id: `n${seq}`, seq, kind: 'system', content: '', system: { action, actor_id: 'alice', user_ids: userIds, name: null, role: null } });
  return { origin: 'other', users, conversationId: C1, eventSeq: seq, event: { type: 'message', message, event_seq: seq } };
}

/** Who is in which conversation, as PostgreSQL would answer: user → conversation → where they joined. */
type Memberships = Record<string, Record<string, { lastEventSeq: number; joinedSeq: number; joinedEventSeq: number }>>;

/** An in-process bus that can lose events and go down, as Redis can. */
class FlakyBus extends InProcessEventBus<Envelope> {
  connected = true;

  /** Events were lost: a subscription came back, or another instance can publish again. */
  lost(): void {
    this.missed();
  }

  override health() {
    return { connected: this.connected, engine: 'redis' as const };
  }
}

/** A conversation as the REST API shows it, `lastEventSeq` its newest change. */
function aConversation(id: string, lastEventSeq: number) {
  return { id, name: 'g', is_group_chat: true, created_at: '', last_message_at: null, participants: [], last_message: null, unread_count: 0, has_unread: false, last_event_seq: lastEventSeq };
}

function setup(inDatabase: ConversationChangeEvent[] = [], memberships: Memberships = {}, revokedSessions: string[] = []) {
  const bus = new FlakyBus();
  const registry = new ConnectionRegistry();
  const receipts: DeliveryReceipt[][] = [];
  const messages = { recordDeliveries: async (r: DeliveryReceipt[]) => void receipts.push(r) };
  const changesOf = (conversationId: string) =>
    inDatabase.filter((e) => (e.type === 'message' ? e.message.conversation_id : e.conversation_id) === conversationId);
  const feed = {
    read: async (conversationId: string, after: number, before: number) => ({
      entries: changesOf(conversationId)
        .filter((e) => e.event_seq > after && e.event_seq < before)
        .map((event) => ({ event })),
      readThrough: before - 1,
    }),
  };
  const directory = { of: async () => ['alice', 'bob'], forget: jest.fn() };
  const conversations = {
    positions: async (userId: string, conversationId: string) => {
      const position = memberships[userId]?.[conversationId];
      return new Map(position ? [[conversationId, position]] : []);
    },
    heads: async (ids: string[]) => new Map(ids.map((id) => [id, Math.max(0, ...changesOf(id).map((e) => e.event_seq))])),
    membershipsOf: async (userIds: string[]) =>
      userIds.flatMap((userId) => Object.entries(memberships[userId] ?? {}).map(([conversationId, position]) => ({ userId, conversationId, position }))),
    get: async (_userId: string, conversationId: string) => aConversation(conversationId, Math.max(0, ...changesOf(conversationId).map((e) => e.event_seq))),
  };
  const sessionCheck = { forget: jest.fn(), deadAmong: async (ids: string[]) => ids.filter((id) => revokedSessions.includes(id)) };
  const config = { realtime: { gapTimeoutMs: 500, receiptBatchMs: 100 } } as AppConfig;
  const fanOut = new FanOut(
    registry,
    conversations as unknown as ConversationsService,
    messages as unknown as MessagesService,
    feed as unknown as ChangeFeedService,
    directory as unknown as ParticipantDirectory,
    bus,
    sessionCheck as unknown as SessionCheck,
    config,
    'this',
  );
  fanOut.onModuleInit();
  /** A connection past its handshake, following these conversations from these positions. */
  const connect = (userId: string, positions: Record<string, number>, conversationId?: string, sessionId = `${userId}-session`): FakeSocket & { id: string } => {
    const fake = fakeSocket();
    const connection = registry.open(fake.socket, limits);
    connection.userId = userId;
    connection.sessionId = sessionId;
    connection.conversationId = conversationId;
    if (conversationId) connection.participants = new Set(['alice', 'bob']);
    const follows = Object.entries(positions).map(([id, lastEventSeq]) => [id, { lastEventSeq, joinedSeq: 0, joinedEventSeq: 0 }] as const);
    fanOut.follow(connection, new Map(follows));
    registry.add(connection);
    connection.ready = true;
    return Object.assign(fake, { id: connection.id });
  };
  return { bus, fanOut, connect, receipts, directory, sessionCheck };
}

/** Lets the work the fakes answered (promises only, no timers or I/O) run to its end. */
const settled = () => new Promise((resolve) => setImmediate(resolve));

const types = (socket: FakeSocket) => socket.events().map((e) => e.type);
const contents = (socket: FakeSocket) => socket.events().map((e) => (e.message as Message | undefined)?.content);

describe('FanOut', () => {
  afterEach(() => jest.useRealTimers());

  it("delivers a conversation's messages in order whatever order the bus brings them in", () => {
    const { bus, connect } = setup();
    const bob = connect('bob', { [C1]: 0 });
    bus.publish(stored(2));
    bus.publish(stored(3));
    expect(bob.sent).toEqual([]);
    bus.publish(stored(1));
    expect(contents(bob)).toEqual(['#1', '#2', '#3']);
  });

  it('acknowledges the sending connection instead of sending it the message, and sends it to the others', () => {
    const { bus, connect } = setup();
    const sender = connect('alice', { [C1]: 0 });
    const otherTab = connect('alice', { [C1]: 0 });
    const bob = connect('bob', { [C1]: 0 });
    bus.publish(stored(1, ['alice', 'bob'], sender.id));
    expect(types(sender)).toEqual(['ack']);
    expect(sender.events()[0]).toMatchObject({ client_id: 'k1', message: { id: 'm1' }, event_seq: 1 });
    expect(types(otherTab)).toEqual(['message']);
    expect(types(bob)).toEqual(['message']);
  });

  it("gives a conversation socket its own conversation's events and its participants' presence only", () => {
    const { bus, connect } = setup();
    const socket = connect('bob', { [C1]: 0 }, C1);
    bus.publish(stored(1, ['bob'], undefined, C2));
    bus.publish({ origin: 'x', users: ['bob'], event: { type: 'presence', user_id: 'carol', status: 'online', last_seen_at: null } });
    bus.publish({ origin: 'x', users: ['bob'], event: { type: 'presence', user_id: 'alice', status: 'online', last_seen_at: null } });
    bus.publish(stored(1));
    expect(socket.events()).toEqual([
      { type: 'presence', user_id: 'alice', status: 'online', last_seen_at: null },
      { type: 'message', message: message(1), event_seq: 1 },
    ]);
  });

  it("tells a revoked session's connections, closes them with 4401, and has this instance forget the session", () => {
    const { bus, connect, sessionCheck } = setup();
    const revokedStream = connect('alice', { [C1]: 0 }, undefined, 's1');
    const revokedSocket = connect('alice', { [C1]: 0 }, C1, 's1');
    const otherDevice = connect('alice', { [C1]: 0 }, undefined, 's2');
    const bob = connect('bob', { [C1]: 0 }, undefined, 's1');
    bus.publish({ origin: 'x', users: ['alice'], sessionIds: ['s1'], event: { type: 'session_revoked' } });
    expect(sessionCheck.forget).toHaveBeenCalledWith(['s1']);
    for (const socket of [revokedStream, revokedSocket]) {
      expect(socket.events()).toEqual([{ type: 'session_revoked' }]);
      expect(socket.closes).toEqual([[4401, 'session revoked']]);
    }
    expect(otherDevice.sent).toEqual([]);
    expect(otherDevice.closes).toEqual([]);
    expect(bob.closes).toEqual([]);
  });

  it('has a stream follow a conversation it did not know once PostgreSQL says it is a member', async () => {
    const { bus, connect } = setup([], { bob: { [C2]: { lastEventSeq: 1, joinedSeq: 0, joinedEventSeq: 0 } } });
    const bob = connect('bob', {});
    bus.publish(stored(1, ['alice', 'bob'], undefined, C2));
    await new Promise((resolve) => setImmediate(resolve));
    bus.publish(stored(2, ['alice', 'bob'], undefined, C2));
    expect(contents(bob)).toEqual(['#1', '#2']);
  });

  it('gives nothing to a stream an outdated list of users names, when PostgreSQL says it is no member', async () => {
    const { bus, connect } = setup();
    const mallory = connect('mallory', {});
    bus.publish(stored(1, ['alice', 'mallory']));
    await new Promise((resolve) => setImmediate(resolve));
    bus.publish(stored(2, ['alice', 'mallory']));
    expect(mallory.sent).toEqual([]);
  });

  it('has a member added follow the group from their own member_added on, and nothing from before it', () => {
    const { bus, connect } = setup();
    const alice = connect('alice', { [C1]: 0 });
    const carol = connect('carol', {});
    bus.publish(stored(1));
    bus.publish(notice(3, 'member_added', ['carol'], ['alice', 'bob', 'carol']));
    bus.publish(stored(2));
    bus.publish({ origin: 'other', users: ['alice', 'bob'], conversationId: C1, eventSeq: 4, event: { type: 'message_updated', conversation_id: C1, event_seq: 4, message: message(1) } });
    bus.publish(stored(5));
    expect(types(alice)).toEqual(['message', 'message', 'message', 'message_updated', 'message']);
    expect(carol.events().map((e) => e.event_seq)).toEqual([3, 5]);
  });

  it('stops a removed member at their notice: conversation_removed on the stream, 4403 on the conversation socket, nothing after', () => {
    const { bus, connect, directory } = setup();
    const bobStream = connect('bob', { [C1]: 0 });
    const bobSocket = connect('bob', { [C1]: 0 }, C1);
    bus.publish(stored(1));
    bus.publish(notice(2, 'member_removed', ['bob'], ['alice', 'bob']));
    // Another instance still names bob for a moment: he gets nothing more.
    bus.publish(stored(3, ['alice', 'bob']));
    expect(types(bobStream)).toEqual(['message', 'message', 'conversation_removed']);
    expect(bobStream.events()[2]).toEqual({ type: 'conversation_removed', conversation_id: C1 });
    expect(types(bobSocket)).toEqual(['message', 'message']);
    expect(bobSocket.closes).toEqual([[4403, 'no longer a participant']]);
    expect(directory.forget).toHaveBeenCalledWith(C1);
  });

  it('gives each recipient of a conversation update their own unread count and hides presence from whom it is hidden', () => {
    const { bus, connect } = setup();
    const alice = connect('alice', { [C1]: 0 });
    const bob = connect('bob', { [C1]: 0 });
    const participants = ['alice', 'bob'].map((id) => ({ id, username: id, full_name: null, avatar_url: null, is_online: true, last_seen_at: null, role: 'member' as const }));
    const conversation = { id: C1, name: 'g', is_group_chat: true, created_at: '', last_message_at: null, participants, last_message: null, unread_count: 0, has_unread: false, last_event_seq: 1 };
    bus.publish({
      origin: 'other',
      users: ['alice', 'bob'],
      conversationId: C1,
      eventSeq: 1,
      personal: { unread: { alice: 0, bob: 3 }, hiddenPresence: { bob: ['alice'] } },
      event: { type: 'conversation_updated', conversation_id: C1, event_seq: 1, conversation },
    });
    const [forAlice] = alice.events() as Array<{ conversation: typeof conversation }>;
    const [forBob] = bob.events() as Array<{ conversation: typeof conversation }>;
    expect(forAlice.conversation).toMatchObject({ unread_count: 0, has_unread: false });
    expect(forAlice.conversation.participants.every((p) => p.is_online)).toBe(true);
    expect(forBob.conversation).toMatchObject({ unread_count: 3, has_unread: true });
    expect(forBob.conversation.participants.find((p) => p.id === 'alice')).toMatchObject({ is_online: false, last_seen_at: null });
  });

  describe('when the bus may have lost events', () => {
    const inDatabase = (seqs: number[], conversationId = C1): ConversationChangeEvent[] =>
      seqs.map((seq) => ({ type: 'message', message: message(seq, 'alice', conversationId), event_seq: seq }));

    it('delivers what was stored meanwhile at once, though no later change revealed a gap', async () => {
      const { bus, connect } = setup(inDatabase([1, 2]));
      const bob = connect('bob', { [C1]: 0 });
      bus.lost();
      await settled();
      expect(contents(bob)).toEqual(['#1', '#2']);
      // The bus bringing them late changes nothing.
      bus.publish(stored(2));
      bus.publish(stored(3));
      expect(contents(bob)).toEqual(['#1', '#2', '#3']);
    });

    it('announces a conversation begun meanwhile with its state, and follows it from there', async () => {
      const { bus, connect } = setup(inDatabase([1, 2], C2), { bob: { [C2]: { lastEventSeq: 2, joinedSeq: 0, joinedEventSeq: 0 } } });
      const bob = connect('bob', { [C1]: 0 });
      bus.lost();
      await settled();
      expect(bob.events()).toEqual([{ type: 'conversation_created', conversation: aConversation(C2, 2) }]);
      bus.publish(stored(3, ['alice', 'bob'], undefined, C2));
      expect(contents(bob)).toEqual([undefined, '#3']);
    });

    it('closes the connections of sessions revoked meanwhile', async () => {
      const { bus, connect, sessionCheck } = setup([], {}, ['bob-phone']);
      const bobPhone = connect('bob', { [C1]: 0 }, undefined, 'bob-phone');
      const bobLaptop = connect('bob', { [C1]: 0 }, undefined, 'bob-laptop');
      bus.lost();
      await settled();
      expect(types(bobPhone)).toEqual(['session_revoked']);
      expect(bobPhone.closes).toEqual([[4401, 'session revoked']]);
      expect(bobLaptop.sent).toEqual([]);
      expect(sessionCheck.forget).toHaveBeenCalledWith(['bob-phone']);
    });

    it('catches up every few seconds while the bus is down, and not while it is up', async () => {
      jest.useFakeTimers();
      const changes = inDatabase([1]);
      const { bus, connect } = setup(changes);
      const bob = connect('bob', { [C1]: 0 });
      await jest.advanceTimersByTimeAsync(1000);
      expect(bob.sent).toEqual([]);
      bus.connected = false;
      await jest.advanceTimersByTimeAsync(1000);
      expect(contents(bob)).toEqual(['#1']);
    });
  });

  it('reads a message the bus lost back from the database once the gap has waited long enough', async () => {
    jest.useFakeTimers();
    const { bus, connect } = setup([{ type: 'message', message: message(1), event_seq: 1 }]);
    const bob = connect('bob', { [C1]: 0 });
    bus.publish(stored(2));
    await jest.advanceTimersByTimeAsync(499);
    expect(bob.sent).toEqual([]);
    await jest.advanceTimersByTimeAsync(1);
    expect(contents(bob)).toEqual(['#1', '#2']);
  });

  it("records the recipients' deliveries in one batch, never the sender's own", async () => {
    jest.useFakeTimers();
    const { bus, connect, receipts } = setup();
    connect('alice', { [C1]: 0 });
    connect('bob', { [C1]: 0 });
    bus.publish(stored(1));
    bus.publish(stored(2));
    expect(receipts).toEqual([]);
    await jest.advanceTimersByTimeAsync(100);
    expect(receipts).toEqual([[{ conversationId: C1, userId: 'bob', seq: 2 }]]);
  });
});
