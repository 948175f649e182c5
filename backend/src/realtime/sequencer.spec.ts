import type { Envelope } from './envelope';
import { ConversationSequencer } from './sequencer';

const CONVERSATION = 'c1';

function envelope(seq: number, conversationId = CONVERSATION): Envelope {
  return {
    origin: 'test',
    users: ['u1'],
    conversationId,
    eventSeq: seq,
    event: { type: 'typing', conversation_id: conversationId, user_id: `m${seq}`, is_typing: true },
  };
}

/** A sequencer over a database holding `stored`, read `pageSize` changes at a time; `failing` makes reads fail. */
function setup(stored: number[] = [], pageSize = 1000) {
  const delivered: number[] = [];
  const fetches: Array<[number, number]> = [];
  const db = { failing: false };
  const errors: unknown[] = [];
  const sequencer = new ConversationSequencer({
    deliver: (e) => delivered.push(e.eventSeq!),
    fetchMissing: async (_c, after, before) => {
      fetches.push([after, before]);
      if (db.failing) throw new Error('database down');
      const page = stored.filter((s) => s > after && s < before).slice(0, pageSize);
      return { envelopes: page.map((s) => envelope(s)), readThrough: page.length === pageSize ? page[page.length - 1] : before - 1 };
    },
    gapTimeoutMs: 1000,
    onError: (error) => errors.push(error),
  });
  return { sequencer, delivered, fetches, db, errors };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('ConversationSequencer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('delivers messages that arrive in order at once', () => {
    const { sequencer, delivered } = setup();
    sequencer.retain(CONVERSATION, 4);
    [5, 6, 7].forEach((s) => sequencer.accept(envelope(s)));
    expect(delivered).toEqual([5, 6, 7]);
  });

  it('holds a message that overtook another until the late one arrives', () => {
    const { sequencer, delivered } = setup();
    sequencer.retain(CONVERSATION, 0);
    sequencer.accept(envelope(2));
    sequencer.accept(envelope(3));
    expect(delivered).toEqual([]);
    sequencer.accept(envelope(1));
    expect(delivered).toEqual([1, 2, 3]);
  });

  it('drops duplicates and messages older than what it has delivered', () => {
    const { sequencer, delivered } = setup();
    sequencer.retain(CONVERSATION, 10);
    [9, 10, 11, 11].forEach((s) => sequencer.accept(envelope(s)));
    expect(delivered).toEqual([11]);
  });

  it('reads a message the bus lost from the database, then continues in order', async () => {
    const { sequencer, delivered, fetches } = setup([1, 2, 3, 4]);
    sequencer.retain(CONVERSATION, 0);
    sequencer.accept(envelope(1));
    sequencer.accept(envelope(4));
    await jest.advanceTimersByTimeAsync(1000);
    expect(fetches).toEqual([[1, 4]]);
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('does not read the database when the late message arrives within the wait', async () => {
    const { sequencer, delivered, fetches } = setup();
    sequencer.retain(CONVERSATION, 0);
    sequencer.accept(envelope(2));
    await jest.advanceTimersByTimeAsync(500);
    sequencer.accept(envelope(1));
    await jest.advanceTimersByTimeAsync(1000);
    expect(fetches).toEqual([]);
    expect(delivered).toEqual([1, 2]);
  });

  it('moves on when the database does not have the missing message either', async () => {
    const { sequencer, delivered } = setup([]);
    sequencer.retain(CONVERSATION, 0);
    sequencer.accept(envelope(3));
    await jest.advanceTimersByTimeAsync(1000);
    expect(delivered).toEqual([3]);
  });

  it('reads a gap larger than one page, page after page, in order', async () => {
    const { sequencer, delivered, fetches } = setup(range(1, 2500), 1000);
    sequencer.retain(CONVERSATION, 0);
    sequencer.accept(envelope(2501));
    await jest.advanceTimersByTimeAsync(1000);
    expect(delivered).toEqual(range(1, 2501));
    expect(fetches).toEqual([
      [0, 2501],
      [1000, 2501],
      [2000, 2501],
    ]);
  });

  it('catches up to a head PostgreSQL reports at once, though no later change revealed a gap', async () => {
    const { sequencer, delivered } = setup(range(1, 1200), 500);
    sequencer.retain(CONVERSATION, 0);
    sequencer.catchUp(CONVERSATION, 1200);
    await jest.advanceTimersByTimeAsync(0);
    expect(delivered).toEqual(range(1, 1200));
    // The bus bringing them late changes nothing.
    sequencer.accept(envelope(1200));
    sequencer.accept(envelope(1201));
    expect(delivered).toEqual(range(1, 1201));
  });

  it('ignores a head it has delivered already, and conversations nobody here follows', async () => {
    const { sequencer, fetches } = setup([1, 2]);
    sequencer.retain(CONVERSATION, 2);
    sequencer.catchUp(CONVERSATION, 2);
    sequencer.catchUp('elsewhere', 5);
    await jest.advanceTimersByTimeAsync(0);
    expect(fetches).toEqual([]);
  });

  it('skips nothing while the database cannot answer: it tries again until it can', async () => {
    const { sequencer, delivered, db, errors } = setup([1, 2, 3]);
    db.failing = true;
    sequencer.retain(CONVERSATION, 0);
    sequencer.accept(envelope(4));
    await jest.advanceTimersByTimeAsync(3000);
    expect(delivered).toEqual([]);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    db.failing = false;
    await jest.advanceTimersByTimeAsync(1000);
    expect(delivered).toEqual([1, 2, 3, 4]);
  });

  it('lists what it follows with the newest change delivered', () => {
    const { sequencer } = setup();
    sequencer.retain(CONVERSATION, 3);
    sequencer.accept(envelope(4));
    expect(sequencer.positions()).toEqual(new Map([[CONVERSATION, 4]]));
  });

  it('ignores conversations nobody on this instance follows, and forgets them when the last follower leaves', () => {
    const { sequencer, delivered } = setup();
    sequencer.accept(envelope(1));
    sequencer.retain(CONVERSATION, 0);
    sequencer.retain(CONVERSATION, 0);
    sequencer.release(CONVERSATION);
    expect(sequencer.has(CONVERSATION)).toBe(true);
    sequencer.release(CONVERSATION);
    expect(sequencer.has(CONVERSATION)).toBe(false);
    expect(delivered).toEqual([]);
  });
});
