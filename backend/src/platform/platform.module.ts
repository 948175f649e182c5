import { Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import { EventEmitterModule } from '@nestjs/event-emitter';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EventBus, InProcessEventBus } from './bus/event-bus';
import { RedisEventBus } from './bus/redis-event-bus';
import { BlindIndex } from './crypto/blind-index';
import { ContentCipher } from './crypto/content-cipher';
import { DomainEvents } from './domain-events';
import { INSTANCE_ID } from './instance-id';
import { Lifecycle } from './lifecycle';
import { RateLimiter } from './rate-limit/rate-limiter';
import { InMemoryWindowCounters, RedisWindowCounters, WindowCounters } from './rate-limit/window-counters';
import { createRedisClients, REDIS_CLIENTS, RedisClients } from './redis-clients';

/**
 * Shared infrastructure that features depend on and that depends on no feature: the
 * instance id, the Redis connections (when REDIS_URL is set), the event bus between
 * instances (in-process or Redis), the at-rest cipher and search index, the domain event hub,
 * rate limits (shared through Redis too) and whether the instance is draining.
 * Not global: a module says that it uses the platform by importing it.
 */
@Module({
  imports: [EventEmitterModule.forRoot({ global: false })],
  providers: [
    { provide: INSTANCE_ID, inject: [APP_CONFIG], useFactory: (c: AppConfig) => c.instanceId },
    {
      provide: REDIS_CLIENTS,
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig): RedisClients | null => (c.redisUrl ? createRedisClients(c.redisUrl) : null),
    },
    {
      provide: EventBus,
      inject: [INSTANCE_ID, REDIS_CLIENTS],
      useFactory: (id: string, redis: RedisClients | null) =>
        redis ? new RedisEventBus(id, redis.publisher, redis.subscriber) : new InProcessEventBus(),
    },
    { provide: ContentCipher, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new ContentCipher(c.encryption) },
    { provide: BlindIndex, inject: [APP_CONFIG], useFactory: (c: AppConfig) => new BlindIndex(c.searchKey) },
    DomainEvents,
    {
      provide: WindowCounters,
      inject: [REDIS_CLIENTS],
      useFactory: (redis: RedisClients | null) => (redis ? new RedisWindowCounters(redis.commands) : new InMemoryWindowCounters()),
    },
    RateLimiter,
    Lifecycle,
  ],
  exports: [INSTANCE_ID, REDIS_CLIENTS, EventBus, ContentCipher, BlindIndex, DomainEvents, RateLimiter, Lifecycle],
})
export class PlatformModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS_CLIENTS) private readonly redis: RedisClients | null) {}

  onApplicationShutdown(): void {
    if (this.redis) for (const client of Object.values(this.redis)) client.disconnect();
  }
}
