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

function setup(stored: number[] = []) {
  const delivered: number[] = [];
  const fetches: Array<[number, number]> = [];
  const sequencer = new ConversationSequencer({
    deliver: (e) => delivered.push(e.eventSeq!),
    fetchMissing: async (_c, after, before) => {
      fetches.push([after, before]);
      return stored.filter((s) => s > after && s < before).map((s) => envelope(s));
    },
    gapTimeoutMs: 1000,
  });
  return { sequencer, delivered, fetches };
}

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
