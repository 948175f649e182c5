import { Module } from '@nestjs/common';
import { ConversationsController } from './conversations.controller';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import { MessagesRepository } from './messages.repository';
import { MessagesService } from './messages.service';
import { ParticipantDirectory } from './participant-directory';
import { Wire } from './wire';

@Module({
  controllers: [ConversationsController],
  providers: [ConversationsRepository, MessagesRepository, ConversationsService, MessagesService, ParticipantDirectory, Wire],
  exports: [ConversationsService, MessagesService, ConversationsRepository, ParticipantDirectory],
})
export class ConversationsModule {}
