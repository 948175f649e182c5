import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ConversationsModule } from '../conversations/conversations.module';
import { PlatformModule } from '../platform/platform.module';
import { PresenceModule } from '../presence/presence.module';
import { Announcer } from './announcer';
import { ConnectionRegistry } from './connection-registry';
import { FanOut } from './fan-out';
import { FrameHandlers } from './frame-handlers';
import { Handshake } from './handshake';
import { Heartbeat } from './heartbeat';
import { MessagingGateway } from './messaging.gateway';

/**
 * The WebSocket endpoints: a delivery mechanism on top of the services REST uses. It
 * listens to the domain's events and turns them into frames; nothing below depends on it.
 */
@Module({
  imports: [PlatformModule, AuthModule, ConversationsModule, PresenceModule],
  providers: [Announcer, ConnectionRegistry, FanOut, FrameHandlers, Handshake, Heartbeat, MessagingGateway],
})
export class RealtimeModule {}
