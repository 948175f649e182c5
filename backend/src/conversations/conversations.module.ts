import { Module } from '@nestjs/common';
import { AttachmentsModule } from '../attachments/attachments.module';
import { PlatformModule } from '../platform/platform.module';
import { PresenceModule } from '../presence/presence.module';
import { UsersModule } from '../users/users.module';
import { ChangeFeedService } from './change-feed.service';
import { ChatSettingsRepository } from './chat-settings.repository';
import { ChatSettingsService } from './chat-settings.service';
import { ConversationsController } from './conversations.controller';
import { GroupsController } from './groups.controller';
import { GroupsService } from './groups.service';
import { DeparturesService } from './departures.service';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import { MessagesRepository } from './messages.repository';
import { MessageChangesService } from './message-changes.service';
import { MessagesService } from './messages.service';
import { ParticipantDirectory } from './participant-directory';
import { Wire } from './wire';

/** Conversations, their participants and messages, read and delivery state. */
@Module({
  imports: [PlatformModule, PresenceModule, UsersModule, AttachmentsModule],
  controllers: [ConversationsController, GroupsController],
  providers: [
    ConversationsRepository,
    ChatSettingsRepository,
    MessagesRepository,
    ConversationsService,
    MessagesService,
    MessageChangesService,
    GroupsService,
    DeparturesService,
    ChangeFeedService,
    ChatSettingsService,
    ParticipantDirectory,
    Wire,
  ],
  exports: [ConversationsService, MessagesService, ChangeFeedService, ParticipantDirectory, DeparturesService],
})
export class ConversationsModule {}
