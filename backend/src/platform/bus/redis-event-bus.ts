import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { BusEnvelope, BusHealth, EventBus } from './event-bus';

export const EVENTS_CHANNEL = 'chatflow:events';
/** Bus housekeeping between instances: "I could not publish for a while; read again what I may have announced". */
export const CONTROL_CHANNEL = 'chatflow:bus';

/**
 * Redis pub/sub: every envelope is published on one channel that every instance
 * subscribes to. Publishing never queues while Redis is down (the publisher client has
 * no offline queue): the event still reaches this instance's clients, and the others'
 * catch up from PostgreSQL, the source of truth — as soon as they can tell something was
 * lost: when their own subscription comes back, and when the instance that failed to
 * publish can publish again (it says so on CONTROL_CHANNEL).
 */
export class RedisEventBus<E extends BusEnvelope = BusEnvelope> extends EventBus<E> {
  private readonly logger = new Logger('RedisEventBus');
  private lastFailureLog = 0;
  private subscribedOnce = false;
  /** A publish failed since the publisher was last ready. */
  private publishFailed = false;

  constructor(
    private readonly instanceId: string,
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
  ) {
    super();
    subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== EVENTS_CHANNEL && channel !== CONTROL_CHANNEL) return;
      let envelope: E;
      try {
        envelope = JSON.parse(raw) as E;
      } catch {
        return;
      }
      if (envelope.origin === this.instanceId) return;
      if (channel === EVENTS_CHANNEL) this.dispatch(envelope);
      else this.missed();
    });
    // ioredis re-subscribes by itself after a reconnect; whatever was published meanwhile is gone.
    subscriber.on('ready', () => {
      if (this.subscribedOnce) {
        this.logger.log('subscribed again: catching up from the database');
        this.missed();
      }
      this.subscribedOnce = true;
    });
    publisher.on('ready', () => {
      if (!this.publishFailed) return;
      this.publishFailed = false;
      this.publisher.publish(CONTROL_CHANNEL, JSON.stringify({ origin: this.instanceId, missed: true })).catch(() => {
        this.publishFailed = true;
      });
    });
    subscriber.subscribe(EVENTS_CHANNEL, CONTROL_CHANNEL).catch((error: Error) => this.logger.warn(`subscribe failed: ${error.message}`));
  }

  publish(envelope: E): void {
    this.dispatch(envelope);
    this.publisher.publish(EVENTS_CHANNEL, JSON.stringify(envelope)).catch((error: Error) => {
      this.publishFailed = true;
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
