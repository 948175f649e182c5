import type { Envelope } from './envelope';

interface ConversationState {
  /** Highest sequence number delivered on this instance. */
  last: number;
  /** Messages that arrived ahead of a missing one. */
  pending: Map<number, Envelope>;
  gapTimer?: NodeJS.Timeout;
  /** Connections on this instance that follow the conversation. */
  interest: number;
}

export interface SequencerOptions {
  /** Delivers an envelope to this instance's connections, in order. */
  deliver: (envelope: Envelope) => void;
  /** Reads stored messages with afterSeq < seq < beforeSeq, as envelopes, oldest first. */
  fetchMissing: (conversationId: string, afterSeq: number, beforeSeq: number) => Promise<Envelope[]>;
  /** How long to wait for a late message on the bus before reading it from the database. */
  gapTimeoutMs: number;
  onError?: (error: unknown) => void;
}

/**
 * Delivers each conversation's messages in conversation order on this instance, whatever
 * order the bus brings them in. Sequence numbers are dense and a message commits only
 * after its predecessor (see MessagesRepository.append), so a missing number is a message
 * already in PostgreSQL: after a short wait for the bus it is read from there. That also
 * covers events lost while the broker was down.
 */
export class ConversationSequencer {
  private readonly states = new Map<string, ConversationState>();

  constructor(private readonly options: SequencerOptions) {}

  has(conversationId: string): boolean {
    return this.states.has(conversationId);
  }

  /** A connection starts following a conversation whose newest message it knows is `lastSeq`. */
  retain(conversationId: string, lastSeq: number): void {
    const state = this.states.get(conversationId);
    if (state) state.interest += 1;
    else this.states.set(conversationId, { last: lastSeq, pending: new Map(), interest: 1 });
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

  /** Takes a stored-message envelope; unknown conversations (nobody here follows them) are ignored. */
  accept(envelope: Envelope): void {
    const state = envelope.conversationId ? this.states.get(envelope.conversationId) : undefined;
    if (!state || envelope.seq === undefined) return;
    if (envelope.seq <= state.last || state.pending.has(envelope.seq)) return;
    state.pending.set(envelope.seq, envelope);
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
        if (envelope.seq !== undefined && envelope.seq > state.last && !state.pending.has(envelope.seq)) {
          state.pending.set(envelope.seq, envelope);
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
