import { Module } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { INSTANCE_ID } from '../platform/instance-id';
import { PlatformModule } from '../platform/platform.module';
import { REDIS_CLIENTS, RedisClients } from '../platform/redis-clients';
import { PresenceRepository } from './presence.repository';
import { PresenceService } from './presence.service';
import { InMemoryPresenceStore, PresenceStore } from './stores/presence-store';
import { RedisPresenceStore } from './stores/redis-presence-store';

/** Who is online: in this process for one instance, in Redis when REDIS_URL is set. */
@Module({
  imports: [PlatformModule],
  providers: [
    {
      provide: PresenceStore,
      inject: [INSTANCE_ID, REDIS_CLIENTS, APP_CONFIG],
      useFactory: (id: string, redis: RedisClients | null, c: AppConfig) =>
        redis ? new RedisPresenceStore(id, redis.commands, c.realtime.presenceHeartbeatMs) : new InMemoryPresenceStore(),
    },
    PresenceRepository,
    PresenceService,
  ],
  exports: [PresenceService],
})
export class PresenceModule {}
