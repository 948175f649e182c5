import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { BusEnvelope, BusHealth, EventBus } from './event-bus';

export const EVENTS_CHANNEL = 'chatflow:events';

/**
 * Redis pub/sub: every envelope is published on one channel that every instance
 * subscribes to. Publishing never queues while Redis is down (the publisher client has
 * no offline queue): the event still reaches this instance's clients, and the others'
 * catch up from PostgreSQL, the source of truth.
 */
export class RedisEventBus<E extends BusEnvelope = BusEnvelope> extends EventBus<E> {
  private readonly logger = new Logger('RedisEventBus');
  private lastFailureLog = 0;

  constructor(
    private readonly instanceId: string,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
  ) {
    super();
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== EVENTS_CHANNEL) return;
      let envelope: E;
      try {
        envelope = JSON.parse(raw) as E;
      } catch {
        return;
      }
      if (envelope.origin !== this.instanceId) this.dispatch(envelope);
    });
    // ioredis re-subscribes by itself after a reconnect.
    subscriber.subscribe(EVENTS_CHANNEL).catch((error: Error) => this.logger.warn(`subscribe failed: ${error.message}`));
  }

  publish(envelope: E): void {
    this.dispatch(envelope);
    this.publisher.publish(EVENTS_CHANNEL, JSON.stringify(envelope)).catch((error: Error) => {
      const now = Date.now();
      if (now - this.lastFailureLog > 10_000) {
        this.lastFailureLog = now;
        this.logger.warn(`publish failed, other instances will catch up from the database: ${error.message}`);
      }
    });
  }

  health(): BusHealth {
    return { connected: this.publisher.status === 'ready' && this.subscriber.status === 'ready', engine: 'redis' };
  }
}
