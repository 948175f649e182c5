import type { Envelope } from './envelope';

interface ConversationState {
  /** Highest change number (event_seq) delivered on this instance. */
  last: number;
  /** Changes that arrived ahead of a missing one. */
  pending: Map<number, Envelope>;
  gapTimer?: NodeJS.Timeout;
  /** Connections on this instance that follow the conversation. */
  interest: number;
}

export interface SequencerOptions {
  /** Delivers an envelope to this instance's connections, in order. */
  deliver: (envelope: Envelope) => void;
  /** Reads the changes with afterEventSeq < event_seq < beforeEventSeq, as envelopes, oldest first. */
  fetchMissing: (conversationId: string, afterEventSeq: number, beforeEventSeq: number) => Promise<Envelope[]>;
  /** How long to wait for a late change on the bus before reading it from the database. */
  gapTimeoutMs: number;
  onError?: (error: unknown) => void;
}

/**
 * Delivers each conversation's changes (new messages, edits, deletions, reactions) in
 * change order (`event_seq`) on this instance, whatever order the bus brings them in.
 * Change numbers are dense and a change commits only after its predecessor (both take the
 * conversation's row lock, see MessagesRepository), so a missing number is a change
 * already in PostgreSQL: after a short wait for the bus it is read from there. That also
 * covers events lost while the broker was down.
 */
export class ConversationSequencer {
  private readonly states = new Map<string, ConversationState>();

  constructor(private readonly options: SequencerOptions) {}

  has(conversationId: string): boolean {
    return this.states.has(conversationId);
  }

  /** A connection starts following a conversation whose newest change it knows is `lastEventSeq`. */
  retain(conversationId: string, lastEventSeq: number): void {
    const state = this.states.get(conversationId);
    if (state) state.interest += 1;
    else this.states.set(conversationId, { last: lastEventSeq, pending: new Map(), interest: 1 });
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
    if (state.pending.size && !state.gapTimer) {
      state.gapTimer = setTimeout(() => void this.fillGap(envelope.conversationId!, state), this.options.gapTimeoutMs);
      state.gapTimer.unref();
    }
  }

  /** Conversations followed here, for tests and metrics. */
  get size(): number {
    return this.states.size;
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

  private async fillGap(conversationId: string, state: ConversationState): Promise<void> {
    state.gapTimer = undefined;
    if (!state.pending.size || this.states.get(conversationId) !== state) return;
    const firstPending = Math.min(...state.pending.keys());
    try {
      const missing = await this.options.fetchMissing(conversationId, state.last, firstPending);
      for (const envelope of missing) {
        if (envelope.eventSeq !== undefined && envelope.eventSeq > state.last && !state.pending.has(envelope.eventSeq)) {
          state.pending.set(envelope.eventSeq, envelope);
        }
      }
    } catch (error) {
      this.options.onError?.(error);
    }
    // Whatever the database did not have cannot be waited for any longer.
    if (!state.pending.has(state.last + 1)) state.last = Math.min(...state.pending.keys()) - 1;
    this.flush(state);
  }
}
