import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
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
import { LowercasePipe } from '../platform/http/lowercase.pipe';
import { ConversationsService } from './conversations.service';
import { ConversationDto, ReadStateDto } from './dto/conversation.dto';
import { CreateConversationDto } from './dto/create-conversation.dto';
import { ListMessagesQueryDto } from './dto/list-messages-query.dto';
import { MessageDto } from './dto/message.dto';
import { SendMessageDto } from './dto/send-message.dto';
import { MessagesService } from './messages.service';

const ConversationId = () => Param('id', new ParseUUIDPipe({ version: undefined }), new LowercasePipe());

@ApiTags('conversations')
@Authenticated()
@Controller('conversations')
@ApiBadRequestResponse({ description: 'Invalid input', type: ErrorDto })
export class ConversationsController {
  constructor(
    private readonly conversations: ConversationsService,
    private readonly messages: MessagesService,
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
  @ApiOperation({ summary: 'Mark every message of the conversation as read by you' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiOkResponse({ type: ReadStateDto })
  @ApiForbiddenResponse({ description: 'Not a participant', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such conversation', type: ErrorDto })
  markRead(@Auth() auth: AuthUser, @ConversationId() id: string, @Body(EmptyBodyPipe) _body: unknown): Promise<ReadStateDto> {
    return this.conversations.markRead(auth.id, id);
  }
}
