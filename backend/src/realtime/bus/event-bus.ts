import type { Envelope } from '../events';

export type EnvelopeHandler = (envelope: Envelope) => void;

export interface BusHealth {
  /** False while the broker is unreachable: events then reach this instance's clients only. */
  connected: boolean;
  engine: 'in-process' | 'redis';
}

/**
 * Carries real-time events to every instance (Centrifugo's "engine"). The in-process bus
 * serves a single instance; the Redis bus several. Both deliver an instance's own events
 * to it directly, so its clients are served even while the broker is away.
 */
export abstract class EventBus {
  protected readonly handlers: EnvelopeHandler[] = [];

  onEnvelope(handler: EnvelopeHandler): void {
    this.handlers.push(handler);
  }

  abstract publish(envelope: Envelope): void;

  abstract health(): BusHealth;

  protected dispatch(envelope: Envelope): void {
    for (const handler of this.handlers) handler(envelope);
  }
}

export class InProcessEventBus extends EventBus {
  publish(envelope: Envelope): void {
    this.dispatch(envelope);
  }

  health(): BusHealth {
    return { connected: true, engine: 'in-process' };
  }
}
