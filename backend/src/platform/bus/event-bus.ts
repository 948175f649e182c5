/** What every envelope on the bus carries: the instance that published it. */
export interface BusEnvelope {
  origin: string;
}

export type EnvelopeHandler<E extends BusEnvelope> = (envelope: E) => void;

/** Events may have been lost on the way to this instance: what it serves should be read again from the source of truth. */
export type MissedHandler = () => void;

export interface BusHealth {
  /** False while the broker is unreachable: events then reach this instance's clients only. */
  connected: boolean;
  engine: 'in-process' | 'redis';
}

/**
 * Carries envelopes to every instance (Centrifugo's "engine"). The in-process bus serves a
 * single instance; the Redis bus several. Both deliver an instance's own envelopes to it
 * directly, so its clients are served even while the broker is away. What an envelope
 * holds is its publisher's business: the bus only reads `origin`.
 */
export abstract class EventBus<E extends BusEnvelope = BusEnvelope> {
  protected readonly handlers: EnvelopeHandler<E>[] = [];
  private readonly missedHandlers: MissedHandler[] = [];

  onEnvelope(handler: EnvelopeHandler<E>): void {
    this.handlers.push(handler);
  }

  /**
   * Called when envelopes may have been lost: this instance's subscription came back after
   * a broker outage, or another instance could publish again after failing to.
   */
  onMissed(handler: MissedHandler): void {
    this.missedHandlers.push(handler);
  }

  abstract publish(envelope: E): void;

  abstract health(): BusHealth;

  protected dispatch(envelope: E): void {
    for (const handler of this.handlers) handler(envelope);
  }

  protected missed(): void {
    for (const handler of this.missedHandlers) handler();
  }
}

export class InProcessEventBus<E extends BusEnvelope = BusEnvelope> extends EventBus<E> {
  publish(envelope: E): void {
    this.dispatch(envelope);
  }

  health(): BusHealth {
    return { connected: true, engine: 'in-process' };
  }
}
