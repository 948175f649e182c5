import type { EntityManager } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { InProcessEventBus } from './bus/event-bus';
import type { Envelope } from './events';
import { PresenceService } from './presence.service';
import { InMemoryPresenceStore } from './presence/presence-store';

const LAST_SEEN = new Date('2026-11-24T14:03:22.123Z');

/** A database that knows one contact and stamps last_seen_at. */
function fakeDb(): EntityManager {
  // Statements arrive as text or, prepared, as a query config whose toString() is the text.
  const query = async (statement: unknown) => ({
    records: String(statement).startsWith('UPDATE users') ? [{ last_seen_at: LAST_SEEN }] : [{ user_id: 'bob' }],
  });
  return { queryRunner: { query } } as unknown as EntityManager;
}

function setup() {
  const bus = new InProcessEventBus();
  const events: Envelope[] = [];
  bus.onEnvelope((e) => events.push(e));
  const config = { realtime: { presenceGraceMs: 1000 } } as AppConfig;
  const presence = new PresenceService(new InMemoryPresenceStore(), bus, fakeDb(), config, 'test');
  const statuses = () => events.map((e) => (e.event.type === 'presence' ? `${e.event.user_id}:${e.event.status}` : e.event.type));
  return { presence, events, statuses };
}

describe('PresenceService', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('announces a user online at the first connection only, to their contacts', async () => {
    const { presence, events, statuses } = setup();
    await presence.connected('alice');
    await presence.connected('alice');
    expect(statuses()).toEqual(['alice:online']);
    expect(events[0].users).toEqual(['bob']);
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
    expect(events[1].event).toMatchObject({ last_seen_at: LAST_SEEN.toISOString() });
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
});
