import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConversationsModule } from '../conversations/conversations.module';
import { UsersModule } from '../users/users.module';
import { MessagingGateway } from './messaging.gateway';

/** The WebSocket endpoints, on top of the same services as REST. */
@Module({
  imports: [AuthModule, UsersModule, ConversationsModule],
  providers: [MessagingGateway],
})
export class MessagingModule {}
