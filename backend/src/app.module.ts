import { DynamicModule, Module } from '@nestjs/common';
import { AccountsModule } from './accounts/accounts.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuthModule } from './auth/auth.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { ConversationsModule } from './conversations/conversations.module';
import { DatabaseModule, DatabaseOptions } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './platform/logging/logging.module';
import { PresenceModule } from './presence/presence.module';
import { RealtimeModule } from './realtime/realtime.module';
import { SearchModule } from './search/search.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, database: DatabaseOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config),
        DatabaseModule.forRoot({ ...config.database, ...database }),
        AuthModule,
        UsersModule,
        PresenceModule,
        AttachmentsModule,
        ConversationsModule,
        AccountsModule,
        SearchModule,
        RealtimeModule,
        HealthModule,
      ],
    };
  }
}
