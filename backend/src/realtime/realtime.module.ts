import { Global, Inject, Module, OnApplicationShutdown, Optional } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EventBus, InProcessEventBus } from './bus/event-bus';
import { RedisEventBus } from './bus/redis-event-bus';
import { INSTANCE_ID } from './instance';
import { PresenceService } from './presence.service';
import { InMemoryPresenceStore, PresenceStore } from './presence/presence-store';
import { RedisPresenceStore } from './presence/redis-presence-store';
import { createRedisClients, REDIS_CLIENTS, RedisClients } from './redis';
import { RealtimeEvents } from './realtime-events';

/**
 * The real-time plumbing every module may publish through: the event bus and presence,
 * in-process for one instance, on Redis when REDIS_URL is set.
 */
@Global()
@Module({
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
    {
      provide: PresenceStore,
      inject: [INSTANCE_ID, REDIS_CLIENTS, APP_CONFIG],
      useFactory: (id: string, redis: RedisClients | null, c: AppConfig) =>
        redis ? new RedisPresenceStore(id, redis.commands, c.realtime.presenceHeartbeatMs) : new InMemoryPresenceStore(),
    },
    PresenceService,
    RealtimeEvents,
  ],
  exports: [INSTANCE_ID, REDIS_CLIENTS, EventBus, PresenceService, RealtimeEvents],
})
export class RealtimeModule implements OnApplicationShutdown {
  constructor(@Optional() @Inject(REDIS_CLIENTS) private readonly redis: RedisClients | null) {}

  onApplicationShutdown(): void {
    if (this.redis) for (const client of Object.values(this.redis)) client.disconnect();
  }
}
