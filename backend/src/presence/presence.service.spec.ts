import { EventEmitter2 } from '@nestjs/event-emitter';
import type { AppConfig } from '../config/app-config';
import { DomainEvents } from '../platform/domain-events';
import { PresenceChanged } from './presence-events';
import type { PresenceRepository } from './presence.repository';
import { PresenceService } from './presence.service';
import { InMemoryPresenceStore, PresenceStore } from './stores/presence-store';

const LAST_SEEN = new Date('2026-11-24T14:03:22.123Z');

/** A database that knows one contact (alice and bob share a conversation) and stamps last_seen_at. */
const fakeRepository = {
  recordLastSeen: async () => LAST_SEEN,
  contactsOf: async () => ['bob'],
  lastSeenFor: async (userId: string, viewerId: string) =>
    [userId, viewerId].sort().join() === 'alice,bob' ? { lastSeenAt: LAST_SEEN } : undefined,
} as unknown as PresenceRepository;

/** Presence shared between instances, as Redis holds it: each user's set of instances. */
class SharedPresence {
  readonly instances = new Map<string, Set<string>>();

  storeOf(instance: string): PresenceStore {
    const sets = this.instances;
    const of = (userId: string) => sets.get(userId) ?? sets.set(userId, new Set()).get(userId)!;
    return new (class extends PresenceStore {
      readonly shared = true;
      async add(userId: string) {
        of(userId).add(instance);
        return of(userId).size === 1;
      }
      async remove(userId: string) {
        of(userId).delete(instance);
        return of(userId).size === 0;
      }
      async onlineAmong(userIds: string[]) {
        return new Set(userIds.filter((id) => of(id).size > 0));
      }
      async countSocket() {
        return 1;
      }
    })();
  }
}

function setup(stores: PresenceStore[] = [new InMemoryPresenceStore()]) {
  const emitter = new EventEmitter2();
  const events: PresenceChanged[] = [];
  emitter.on(PresenceChanged.topic, (e: PresenceChanged) => events.push(e));
  const config = { realtime: { presenceGraceMs: 1000 } } as AppConfig;
  const [presence, ...others] = stores.map((store) => new PresenceService(store, fakeRepository, new DomainEvents(emitter), config));
  const statuses = () => events.map((e) => `${e.userId}:${e.status}`);
  return { presence, others, events, statuses };
}

describe('PresenceService', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('announces a user online at the first connection only, to their contacts', async () => {
    const { presence, events, statuses } = setup();
    await presence.connected('alice');
    await presence.connected('alice');
    expect(statuses()).toEqual(['alice:online']);
    expect(events[0].contactIds).toEqual(['bob']);
    expect(await presence.onlineAmong(['alice', 'bob'])).toEqual(new Set(['alice']));
  });

  it('announces offline, with last_seen_at, once the grace period after the last connection has passed', async () => {
    const { presence, events, statuses } = setup();
    await presence.connected('alice');
    await presence.connected('alice');
    presence.disconnected('alice');
    presence.disconnected('alice');
    await jest.advanceTimersByTimeAsync(999);
    expect(statuses()).toEqual(['alice:online']);
    await jest.advanceTimersByTimeAsync(1);
    expect(statuses()).toEqual(['alice:online', 'alice:offline']);
    expect(events[1]).toMatchObject({ lastSeenAt: LAST_SEEN });
    expect(await presence.onlineAmong(['alice'])).toEqual(new Set());
  });

  it('does not flap when the user reconnects within the grace period (a page reload)', async () => {
    const { presence, statuses } = setup();
    await presence.connected('alice');
    presence.disconnected('alice');
    await jest.advanceTimersByTimeAsync(500);
    await presence.connected('alice');
    await jest.advanceTimersByTimeAsync(5000);
    expect(statuses()).toEqual(['alice:online']);
  });

  describe('blocking', () => {
    it('shows a contact who was blocked the blocker offline and never seen, at once', async () => {
      const { presence, events } = setup();
      await presence.connected('alice');
      await presence.hideFrom('alice', 'bob');
      expect(events[1]).toMatchObject({ userId: 'alice', status: 'offline', lastSeenAt: null, contactIds: ['bob'] });
    });

    it('tells someone who shares no conversation with the blocker nothing', async () => {
      const { presence, statuses } = setup();
      await presence.connected('alice');
      await presence.hideFrom('alice', 'mallory');
      await presence.showTo('alice', 'mallory');
      expect(statuses()).toEqual(['alice:online']);
    });

    it('shows a contact who was unblocked the blocker as they are: online, or offline since last seen', async () => {
      const { presence, events } = setup();
      await presence.connected('alice');
      await presence.showTo('alice', 'bob');
      expect(events[1]).toMatchObject({ userId: 'alice', status: 'online', lastSeenAt: null, contactIds: ['bob'] });
      presence.disconnected('alice');
      await jest.advanceTimersByTimeAsync(1000);
      await presence.showTo('alice', 'bob');
      expect(events[3]).toMatchObject({ userId: 'alice', status: 'offline', lastSeenAt: LAST_SEEN, contactIds: ['bob'] });
    });
  });

  describe('shutdown', () => {
    it('alone, announces the users connected here offline at once: there is nowhere else to be online', async () => {
      const { presence, statuses } = setup();
      await presence.connected('alice');
      await presence.shutdown();
      expect(statuses()).toEqual(['alice:online', 'alice:offline']);
    });

    it('with shared presence, keeps a user who reconnects to another instance within the grace online, announcing nothing', async () => {
      const shared = new SharedPresence();
      const { presence: leaving, others: [staying], statuses } = setup([shared.storeOf('a'), shared.storeOf('b')]);
      await leaving.connected('alice');
      const stopped = leaving.shutdown();
      await jest.advanceTimersByTimeAsync(300);
      await staying.connected('alice');
      await jest.advanceTimersByTimeAsync(700);
      await stopped;
      expect(statuses()).toEqual(['alice:online']);
      expect(await staying.onlineAmong(['alice'])).toEqual(new Set(['alice']));
    });

    it('with shared presence, announces a user who does not come back offline after the grace, like a dropped connection', async () => {
      const shared = new SharedPresence();
      const { presence, statuses } = setup([shared.storeOf('a'), shared.storeOf('b')]);
      await presence.connected('alice');
      const stopped = presence.shutdown();
      presence.disconnected('alice'); // its socket's close, arriving while it shuts down, changes nothing
      await jest.advanceTimersByTimeAsync(999);
      expect(statuses()).toEqual(['alice:online']);
      await jest.advanceTimersByTimeAsync(1);
      await stopped;
      expect(statuses()).toEqual(['alice:online', 'alice:offline']);
    });
  });
});
