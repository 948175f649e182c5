import type { ConversationChangeEvent, Message } from '@chatflow/protocol';
import type { AppConfig } from '../config/app-config';
import type { ChangeFeedService } from '../conversations/change-feed.service';
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

function setup(inDatabase: ConversationChangeEvent[] = []) {
  const bus = new InProcessEventBus<Envelope>();
  const registry = new ConnectionRegistry();
  const receipts: DeliveryReceipt[][] = [];
  const messages = { recordDeliveries: async (r: DeliveryReceipt[]) => void receipts.push(r) };
  const feed = {
    between: async (_c: string, after: number, before: number) => inDatabase.filter((e) => e.event_seq > after && e.event_seq < before),
  };
  const directory = { of: async () => ['alice', 'bob'] };
  const config = { realtime: { gapTimeoutMs: 500, receiptBatchMs: 100 } } as AppConfig;
  const fanOut = new FanOut(
    registry,
    messages as unknown as MessagesService,
    feed as unknown as ChangeFeedService,
    directory as unknown as ParticipantDirectory,
    bus,
    config,
    'this',
  );
  fanOut.onModuleInit();
  /** A connection past its handshake, following these conversations from these positions. */
  const connect = (userId: string, positions: Record<string, number>, conversationId?: string): FakeSocket & { id: string } => {
    const fake = fakeSocket();
    const connection = registry.open(fake.socket, limits);
    connection.userId = userId;
    connection.conversationId = conversationId;
    if (conversationId) connection.participants = new Set(['alice', 'bob']);
    fanOut.follow(connection, new Map(Object.entries(positions)));
    registry.add(connection);
    connection.ready = true;
    return Object.assign(fake, { id: connection.id });
  };
  return { bus, fanOut, connect, receipts };
}

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

  it('has a stream follow a conversation it did not know from its first message', () => {
    const { bus, connect } = setup();
    const bob = connect('bob', {});
    bus.publish(stored(1, ['alice', 'bob'], undefined, C2));
    bus.publish(stored(2, ['alice', 'bob'], undefined, C2));
    expect(contents(bob)).toEqual(['#1', '#2']);
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
