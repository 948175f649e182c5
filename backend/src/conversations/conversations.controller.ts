import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Auth, type AuthUser } from '../platform/auth/auth-user';
import { Authenticated } from '../platform/auth/authenticated.decorator';
import { EmptyBodyPipe } from '../platform/http/empty-body.pipe';
import { ErrorDto } from '../platform/http/error.dto';
import { UuidParam } from '../platform/http/uuid-param';
import { ChangeFeedService } from './change-feed.service';
import { ConversationsService } from './conversations.service';
import { ConversationDto, ReadStateDto } from './dto/conversation.dto';
import { CreateConversationDto } from './dto/create-conversation.dto';
import { EditMessageDto } from './dto/edit-message.dto';
import { EventsPageDto } from './dto/events-page.dto';
import { ListEventsQueryDto } from './dto/list-events-query.dto';
import { ListMessagesQueryDto } from './dto/list-messages-query.dto';
import { MarkReadDto } from './dto/mark-read.dto';
import { MessageDto } from './dto/message.dto';
import { SendMessageDto } from './dto/send-message.dto';
import { MessageChangesService } from './message-changes.service';
import { MessagesService } from './messages.service';

const ConversationId = () => UuidParam('id');
const MessageId = () => UuidParam('messageId');

@ApiTags('conversations')
@Authenticated()
@Controller('conversations')
@ApiBadRequestResponse({ description: 'Invalid input', type: ErrorDto })
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
    private readonly changes: MessageChangesService,
    private readonly feed: ChangeFeedService,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Start a one-on-one or group conversation (you are added automatically)' })
  @ApiCreatedResponse({ type: ConversationDto })
  @ApiOkResponse({ description: 'The one-on-one conversation with that user already exists', type: ConversationDto })
  async create(
    @Auth() auth: AuthUser,
    @Body() body: CreateConversationDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConversationDto> {
    const { conversation, created } = await this.conversations.create(auth.id, body);
    if (!created) res.status(200);
    return conversation;
  }

  @Get()
  @ApiOperation({ summary: 'Your conversations, most recent activity first' })
  @ApiOkResponse({ type: ConversationDto, isArray: true })
  list(@Auth() auth: AuthUser): Promise<ConversationDto[]> {
    return this.conversations.list(auth.id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One conversation' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiForbiddenResponse({ description: 'Not a participant', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such conversation', type: ErrorDto })
  get(@Auth() auth: AuthUser, @ConversationId() id: string): Promise<ConversationDto> {
    return this.conversations.get(auth.id, id);
  }

  @Get(':id/messages')
  @ApiOperation({
    summary: 'Message history, oldest first',
    description:
      'Without a cursor: the newest `limit` messages. `before`: the `limit` messages just older than that one. ' +
      '`after`: the `limit` messages just newer. Paging with `after` until an empty page returns every newer message exactly once.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: MessageDto, isArray: true })
  @ApiForbiddenResponse({ description: 'Not a participant', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such conversation', type: ErrorDto })
  listMessages(@Auth() auth: AuthUser, @ConversationId() id: string, @Query() query: ListMessagesQueryDto): Promise<MessageDto[]> {
    return this.messages.list(auth.id, id, query);
  }

  @Post(':id/messages')
  @ApiOperation({ summary: 'Send a message; a repeated client_id returns the message first stored (200)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiCreatedResponse({ type: MessageDto })
  @ApiOkResponse({ description: 'This client_id was already used: the message first stored', type: MessageDto })
  @ApiForbiddenResponse({ description: 'Not a participant', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such conversation', type: ErrorDto })
  async send(
    @Auth() auth: AuthUser,
    @ConversationId() id: string,
    @Body() body: SendMessageDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<MessageDto> {
    const { message, created } = await this.messages.send(auth.id, id, body);
    if (!created) res.status(200);
    return message;
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark the conversation as read by you',
    description: 'Every message, or (extension) up to the message `up_to_seq`, the newest the reader has seen on screen.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ReadStateDto })
  @ApiForbiddenResponse({ description: 'Not a participant', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such conversation', type: ErrorDto })
  markRead(@Auth() auth: AuthUser, @ConversationId() id: string, @Body() body: MarkReadDto): Promise<ReadStateDto> {
    return this.conversations.markRead(auth.id, id, body.up_to_seq);
  }

  @Patch(':id/messages/:messageId')
  @ApiOperation({
    summary: 'Edit your message',
    description:
      'The sender only, within MESSAGE_EDIT_WINDOW_SECONDS (default 900) of sending; an edit arriving up to ' +
      'MESSAGE_EDIT_GRACE_SECONDS (default 60) later is still taken, so one started in time is not lost. The old text ' +
      'is overwritten, not kept. The same text again changes nothing. Announced as `message_updated`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'messageId', format: 'uuid' })
  @ApiOkResponse({ type: MessageDto, description: 'The message with `edited_at` set and `version` + 1' })
  @ApiForbiddenResponse({ description: 'Not a participant, not the sender, or past the edit window', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such conversation or message', type: ErrorDto })
  @ApiConflictResponse({ description: 'The message is deleted or a system message', type: ErrorDto })
  edit(@Auth() auth: AuthUser, @ConversationId() id: string, @MessageId() messageId: string, @Body() body: EditMessageDto): Promise<MessageDto> {
    return this.changes.edit(auth.id, id, messageId, body.content);
  }

  @Delete(':id/messages/:messageId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Delete your message for everyone',
    description:
      'The sender, within MESSAGE_DELETE_WINDOW_SECONDS (default 172800) of sending. Its text, reply link and reactions ' +
      'are removed in the same transaction; the tombstone keeps id, seq, sender and time. Deleting again answers the ' +
      'same tombstone. Announced as `message_deleted`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'messageId', format: 'uuid' })
  @ApiOkResponse({ type: MessageDto, description: 'The tombstone' })
  @ApiForbiddenResponse({ description: 'Not a participant, not the sender, or past the delete window', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such conversation or message', type: ErrorDto })
  @ApiConflictResponse({ description: 'A system message', type: ErrorDto })
  delete(@Auth() auth: AuthUser, @ConversationId() id: string, @MessageId() messageId: string): Promise<MessageDto> {
    return this.changes.delete(auth.id, id, messageId);
  }

  @Put(':id/messages/:messageId/reactions/:emoji')
  @ApiOperation({
    summary: 'React to a message',
    description: 'One reaction per person per message: a new emoji replaces yours; the same one again changes nothing. Announced as `message_updated`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'messageId', format: 'uuid' })
  @ApiParam({ name: 'emoji', description: 'One emoji, percent-encoded', example: '%F0%9F%91%8D' })
  @ApiOkResponse({ type: MessageDto })
  @ApiForbiddenResponse({ description: 'Not a participant', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such conversation or message', type: ErrorDto })
  @ApiConflictResponse({ description: 'The message is deleted or a system message', type: ErrorDto })
  react(
    @Auth() auth: AuthUser,
    @ConversationId() id: string,
    @MessageId() messageId: string,
    @Param('emoji') emoji: string,
    @Body(EmptyBodyPipe) _body: unknown,
  ): Promise<MessageDto> {
    return this.changes.react(auth.id, id, messageId, emoji);
  }

  @Delete(':id/messages/:messageId/reactions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Take your reaction back', description: 'Answers the message without your reaction, also when you had none.' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiParam({ name: 'messageId', format: 'uuid' })
  @ApiOkResponse({ type: MessageDto })
  @ApiForbiddenResponse({ description: 'Not a participant', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such conversation or message', type: ErrorDto })
  unreact(@Auth() auth: AuthUser, @ConversationId() id: string, @MessageId() messageId: string): Promise<MessageDto> {
    return this.changes.unreact(auth.id, id, messageId);
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'Every change after a change number, to catch up',
    description:
      'The conversation’s changes (new messages, edits, deletions, reaction changes) with `event_seq` above `after`, ' +
      'oldest first, each as the WebSocket event that announces it. Page until the last event reaches `last_event_seq`.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: EventsPageDto })
  @ApiForbiddenResponse({ description: 'Not a participant', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such conversation', type: ErrorDto })
  events(@Auth() auth: AuthUser, @ConversationId() id: string, @Query() query: ListEventsQueryDto): Promise<EventsPageDto> {
    return this.feed.page(auth.id, id, query);
  }
}
