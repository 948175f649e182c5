import type { Envelope } from './envelope';

interface ConversationState {
  /** Highest change number (event_seq) delivered on this instance. */
  last: number;
  /** Changes that arrived ahead of a missing one. */
  pending: Map<number, Envelope>;
  gapTimer?: NodeJS.Timeout;
  /** Connections on this instance that follow the conversation. */
  interest: number;
  /** Newest change known to be stored (from PostgreSQL), which the bus may never bring. */
  head: number;
  /** A read from PostgreSQL is under way. */
  reading: boolean;
}

/** What a read from PostgreSQL found: changes, and how far it looked. */
export interface StoredChanges {
  /** Changes with afterEventSeq < event_seq < beforeEventSeq, oldest first (one page of them at most). */
  envelopes: Envelope[];
  /**
   * Every change up to this number was read: one missing here does not exist for this
   * instance's followers (a notice nobody is left to see). Less than beforeEventSeq - 1
   * when the page was full.
   */
  readThrough: number;
}

export interface SequencerOptions {
  /** Delivers an envelope to this instance's connections, in order. */
  deliver: (envelope: Envelope) => void;
  /** Reads (a page of) the changes with afterEventSeq < event_seq < beforeEventSeq. */
  fetchMissing: (conversationId: string, afterEventSeq: number, beforeEventSeq: number) => Promise<StoredChanges>;
  /** How long to wait for a late change on the bus before reading it from the database (and between tries while it fails). */
  gapTimeoutMs: number;
  onError?: (error: unknown) => void;
}

/**
 * Delivers each conversation's changes (new messages, edits, deletions, reactions) in
 * change order (`event_seq`) on this instance, whatever order the bus brings them in.
 * Change numbers are dense and a change commits only after its predecessor (both take the
 * conversation's row lock, see MessagesRepository), so a missing number is a change
 * already in PostgreSQL: after a short wait for the bus it is read from there, page after
 * page however large the gap. Changes the bus lost at its end (while the broker was down)
 * leave no gap behind them: `catchUp` reads them once PostgreSQL says they exist. A read
 * that fails is tried again; nothing is skipped because the database could not answer.
 */
export class ConversationSequencer {
  private readonly states = new Map<string, ConversationState>();

  constructor(private readonly options: SequencerOptions) {}

  has(conversationId: string): boolean {
    return this.states.has(conversationId);
  }

  /** The conversations followed here, each with the newest change delivered. */
  positions(): Map<string, number> {
    return new Map([...this.states].map(([id, state]) => [id, state.last]));
  }

  /** A connection starts following a conversation whose newest change it knows is `lastEventSeq`. */
  retain(conversationId: string, lastEventSeq: number): void {
    const state = this.states.get(conversationId);
    if (state) state.interest += 1;
    else this.states.set(conversationId, { last: lastEventSeq, pending: new Map(), interest: 1, head: lastEventSeq, reading: false });
  }

  release(conversationId: string): void {
    const state = this.states.get(conversationId);
    if (!state) return;
    state.interest -= 1;
    if (state.interest <= 0) {
      clearTimeout(state.gapTimer);
      this.states.delete(conversationId);
    }
  }

  /** Takes a change's envelope; unknown conversations (nobody here follows them) are ignored. */
  accept(envelope: Envelope): void {
    const state = envelope.conversationId ? this.states.get(envelope.conversationId) : undefined;
    if (!state || envelope.eventSeq === undefined) return;
    if (envelope.eventSeq <= state.last || state.pending.has(envelope.eventSeq)) return;
    state.pending.set(envelope.eventSeq, envelope);
    this.flush(state);
    if (state.pending.size) this.armGapTimer(envelope.conversationId!, state);
  }

  /**
   * PostgreSQL holds the conversation's changes up to `head`: those not delivered here yet
   * are read now, without waiting for a later change to reveal the gap.
   */
  catchUp(conversationId: string, head: number): void {
    const state = this.states.get(conversationId);
    if (!state || head <= state.last) return;
    state.head = Math.max(state.head, head);
    void this.read(conversationId, state);
  }

  /** Conversations followed here, for tests and metrics. */
  get size(): number {
    return this.states.size;
  }

  private armGapTimer(conversationId: string, state: ConversationState): void {
    if (state.gapTimer || state.reading) return;
    state.gapTimer = setTimeout(() => {
      state.gapTimer = undefined;
      void this.read(conversationId, state);
    }, this.options.gapTimeoutMs);
    state.gapTimer.unref();
  }

  private flush(state: ConversationState): void {
    for (let next = state.pending.get(state.last + 1); next; next = state.pending.get(state.last + 1)) {
      state.pending.delete(state.last + 1);
      state.last += 1;
      this.options.deliver(next);
    }
    if (!state.pending.size && state.gapTimer) {
      clearTimeout(state.gapTimer);
      state.gapTimer = undefined;
    }
  }

  /** Reads from PostgreSQL, page by page, until nothing known to be stored is missing here. */
  private async read(conversationId: string, state: ConversationState): Promise<void> {
    if (state.reading) return;
    clearTimeout(state.gapTimer);
    state.gapTimer = undefined;
    state.reading = true;
    try {
      while (this.states.get(conversationId) === state) {
        this.flush(state);
        const ahead = state.pending.size ? Math.min(...state.pending.keys()) : Infinity;
        const target = Math.max(state.head, ahead === Infinity ? 0 : ahead - 1);
        if (target <= state.last) break;
        const { envelopes, readThrough } = await this.options.fetchMissing(conversationId, state.last, Math.min(ahead, target + 1));
        for (const envelope of envelopes) {
          if (envelope.eventSeq !== undefined && envelope.eventSeq > state.last) state.pending.set(envelope.eventSeq, envelope);
        }
        const before = state.last;
        this.deliverThrough(state, readThrough);
        if (state.last === before) throw new Error(`reading changes after ${before} of ${conversationId} made no progress`);
      }
    } catch (error) {
      this.options.onError?.(error);
      state.reading = false;
      // Nothing is given up on: the read is tried again after a wait.
      if (this.states.get(conversationId) === state) this.armGapTimer(conversationId, state);
      return;
    }
    state.reading = false;
    if (state.pending.size) this.armGapTimer(conversationId, state);
  }

  /** Delivers, in order, what is here up to `through`: a number missing up to there was read, and does not exist. */
  private deliverThrough(state: ConversationState, through: number): void {
    const ready = [...state.pending.keys()].filter((seq) => seq <= through).sort((x, y) => x - y);
    for (const seq of ready) {
      const envelope = state.pending.get(seq)!;
      state.pending.delete(seq);
      state.last = seq;
      this.options.deliver(envelope);
    }
    state.last = Math.max(state.last, through);
    this.flush(state);
  }
}
