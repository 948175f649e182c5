import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConversationsModule } from '../conversations/conversations.module';
import { MessagingGateway } from './messaging.gateway';

/** The WebSocket endpoints, on top of the same services as REST. */
@Module({
  imports: [AuthModule, ConversationsModule],
  providers: [MessagingGateway],
})
export class MessagingModule {}
