import { EventEmitterModule } from '@nestjs/event-emitter';
import { Test } from '@nestjs/testing';
import {
  ConversationCreated,
  ConversationRead,
  ConversationUpdated,
  MessageDeleted,
  MessagesDelivered,
  MessageStored,
  MessageUpdated,
} from '../conversations/conversation-events';
import type { ConversationDto } from '../conversations/dto/conversation.dto';
import type { MessageDto } from '../conversations/dto/message.dto';
import { aMessage } from '../testing/messages';
import { ParticipantDirectory } from '../conversations/participant-directory';
import { EventBus, InProcessEventBus } from '../platform/bus/event-bus';
import { DomainEvents } from '../platform/domain-events';
import { INSTANCE_ID } from '../platform/instance-id';
import { PresenceChanged } from '../presence/presence-events';
import { Announcer } from './announcer';
import type { Envelope } from './envelope';

const MESSAGE: MessageDto = aMessage();

/** The announcer as the app wires it: domain events published through the hub reach it by topic. */
async function setup() {
  const bus = new InProcessEventBus<Envelope>();
  const published: Envelope[] = [];
  bus.onEnvelope((e) => published.push(e));
  const module = await Test.createTestingModule({
    imports: [EventEmitterModule.forRoot()],
    providers: [
      Announcer,
      DomainEvents,
      { provide: EventBus, useValue: bus },
      { provide: ParticipantDirectory, useValue: { of: async () => ['alice', 'bob', 'carol'] } },
      { provide: INSTANCE_ID, useValue: 'here' },
    ],
  }).compile();
  await module.init();
  return { events: module.get(DomainEvents), announcer: module.get(Announcer), published, close: () => module.close() };
}

describe('Announcer', () => {
  let context: Awaited<ReturnType<typeof setup>>;
  beforeEach(async () => (context = await setup()));
  afterEach(() => context.close());

  it('announces a stored message to every participant, at its change number, naming the connection that sent it', () => {
    context.events.publish(new MessageStored(MESSAGE, 4, ['alice', 'bob'], 'conn-1'));
    expect(context.published).toEqual([
      {
        origin: 'here',
        users: ['alice', 'bob'],
        conversationId: 'c1',
        eventSeq: 4,
        senderConnectionId: 'conn-1',
        event: { type: 'message', message: MESSAGE, event_seq: 4 },
      },
    ]);
  });

  it('announces an edit or reaction change and a deletion to every participant, each at its change number', () => {
    const edited = aMessage({ content: 'hi!', version: 2, edited_at: '2026-12-01T10:01:00.000Z' });
    const tombstone = aMessage({ content: '', version: 3, deleted_at: '2026-12-01T10:02:00.000Z' });
    context.events.publish(new MessageUpdated(edited, 5, ['alice', 'bob']));
    context.events.publish(new MessageDeleted(tombstone, 6, ['alice', 'bob']));
    expect(context.published).toEqual([
      {
        origin: 'here',
        users: ['alice', 'bob'],
        conversationId: 'c1',
        eventSeq: 5,
        event: { type: 'message_updated', conversation_id: 'c1', event_seq: 5, message: edited },
      },
      {
        origin: 'here',
        users: ['alice', 'bob'],
        conversationId: 'c1',
        eventSeq: 6,
        event: { type: 'message_deleted', conversation_id: 'c1', event_seq: 6, message: tombstone },
      },
    ]);
  });

  it('tells every participant that someone read', () => {
    context.events.publish(new ConversationRead('c1', 'bob', '2026-12-01T10:00:01.000Z', 7, ['alice', 'bob']));
    expect(context.published).toEqual([
      {
        origin: 'here',
        users: ['alice', 'bob'],
        conversationId: 'c1',
        event: { type: 'conversation_read', conversation_id: 'c1', user_id: 'bob', last_read_timestamp: '2026-12-01T10:00:01.000Z', last_read_seq: 7 },
      },
    ]);
  });

  it('tells the other participants that someone received', () => {
    context.events.publish(new MessagesDelivered('c1', 'bob', '2026-12-01T10:00:02.000Z', ['alice', 'bob']));
    expect(context.published).toEqual([
      {
        origin: 'here',
        users: ['alice'],
        conversationId: 'c1',
        except: 'bob',
        event: { type: 'conversation_delivered', conversation_id: 'c1', user_id: 'bob', last_delivered_timestamp: '2026-12-01T10:00:02.000Z' },
      },
    ]);
  });

  it('sends a new conversation to each of its participants, with what differs for each', () => {
    const conversation = { id: 'c9', participants: [{ id: 'alice' }, { id: 'bob' }] } as ConversationDto;
    const personal = { unread: { bob: 0 }, hiddenPresence: { bob: ['alice'] } };
    context.events.publish(new ConversationCreated(conversation, personal));
    expect(context.published).toEqual([
      { origin: 'here', users: ['alice', 'bob'], conversationId: 'c9', personal, event: { type: 'conversation_created', conversation } },
    ]);
  });

  it('announces a changed group to its members at its change number', () => {
    const conversation = { id: 'c9', participants: [{ id: 'alice' }, { id: 'carol' }] } as ConversationDto;
    const personal = { unread: {}, hiddenPresence: {} };
    context.events.publish(new ConversationUpdated(conversation, 12, personal));
    expect(context.published).toEqual([
      {
        origin: 'here',
        users: ['alice', 'carol'],
        conversationId: 'c9',
        eventSeq: 12,
        personal,
        event: { type: 'conversation_updated', conversation_id: 'c9', event_seq: 12, conversation },
      },
    ]);
  });

  it("announces presence to the user's contacts, with last_seen_at as a wire timestamp", () => {
    context.events.publish(new PresenceChanged('alice', 'offline', new Date('2026-12-01T09:59:00.000Z'), ['bob']));
    expect(context.published).toEqual([
      { origin: 'here', users: ['bob'], event: { type: 'presence', user_id: 'alice', status: 'offline', last_seen_at: '2026-12-01T09:59:00.000Z' } },
    ]);
  });

  it('relays typing to the other participants only', async () => {
    await context.announcer.typing('c1', 'alice', true);
    expect(context.published).toEqual([
      {
        origin: 'here',
        users: ['bob', 'carol'],
        conversationId: 'c1',
        except: 'alice',
        event: { type: 'typing', conversation_id: 'c1', user_id: 'alice', is_typing: true },
      },
    ]);
  });
});
