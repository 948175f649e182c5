import { BadRequestException, Body, Controller, Delete, HttpCode, Patch, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Auth, type AuthUser } from '../platform/auth/auth-user';
import { Authenticated } from '../platform/auth/authenticated.decorator';
import { EmptyBodyPipe } from '../platform/http/empty-body.pipe';
import { ErrorDto } from '../platform/http/error.dto';
import { UuidParam } from '../platform/http/uuid-param';
import { ConversationDto } from './dto/conversation.dto';
import { AddParticipantsDto, ChangeRoleDto, RenameGroupDto } from './dto/manage-group.dto';
import { GroupsService } from './groups.service';

const ConversationId = () => UuidParam('id');
const UserId = () => UuidParam('userId');

/** Groups that change: each change is a system message in the timeline and a `conversation_updated`. */
@ApiTags('conversations')
@Authenticated()
@Controller('conversations')
@ApiParam({ name: 'id', format: 'uuid' })
@ApiBadRequestResponse({ description: 'Invalid input, or a one-on-one conversation', type: ErrorDto })
@ApiNotFoundResponse({ description: 'No such conversation', type: ErrorDto })
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Patch(':id')
  @ApiOperation({ summary: 'Rename a group (owner or admin); a `renamed` system message' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiForbiddenResponse({ description: 'Not the owner or an admin, or not a participant', type: ErrorDto })
  rename(@Auth() auth: AuthUser, @ConversationId() id: string, @Body() body: RenameGroupDto): Promise<ConversationDto> {
    return this.groups.rename(auth.id, id, body.name);
  }

  @Post(':id/participants')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add members (owner or admin); one `member_added` system message',
    description: 'Users already in the group are ignored. A member added sees the conversation from their `member_added` on.',
  })
  @ApiOkResponse({ type: ConversationDto })
  @ApiForbiddenResponse({ description: 'Not the owner or an admin, or a named user does not accept being added by you', type: ErrorDto })
  addMembers(@Auth() auth: AuthUser, @ConversationId() id: string, @Body() body: AddParticipantsDto): Promise<ConversationDto> {
    if (body.user_ids && body.participant_ids) throw new BadRequestException('Give user_ids or participant_ids, not both');
    const userIds = body.user_ids ?? body.participant_ids;
    if (!userIds?.length) throw new BadRequestException('Name at least one user in user_ids');
    return this.groups.addMembers(auth.id, id, userIds);
  }

  @Delete(':id/participants/:userId')
  @ApiOperation({
    summary: 'Remove a member; a `member_removed` system message',
    description:
      'Admins remove members; only the owner removes admins; nobody removes the owner. From the commit on, the removed ' +
      'user receives nothing of the conversation: `conversation_removed` on `/ws`, `4403` on its conversation socket.',
  })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiForbiddenResponse({ description: 'Not allowed by the role rules', type: ErrorDto })
  remove(@Auth() auth: AuthUser, @ConversationId() id: string, @UserId() userId: string): Promise<ConversationDto> {
    return this.groups.removeMember(auth.id, id, userId);
  }

  @Patch(':id/participants/:userId')
  @ApiOperation({ summary: 'Make a member an admin or an admin a member (the owner); a `role_changed` system message' })
  @ApiParam({ name: 'userId', format: 'uuid' })
  @ApiOkResponse({ type: ConversationDto })
  @ApiForbiddenResponse({ description: 'Not the owner', type: ErrorDto })
  changeRole(@Auth() auth: AuthUser, @ConversationId() id: string, @UserId() userId: string, @Body() body: ChangeRoleDto): Promise<ConversationDto> {
    return this.groups.changeRole(auth.id, id, userId, body.role);
  }

  @Post(':id/leave')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Leave a group; a `member_left` system message',
    description:
      'An owner who leaves hands ownership to the longest-standing admin, else the longest-standing member. The last one ' +
      'out leaves an empty group that nobody sees.',
  })
  @ApiNoContentResponse({ description: 'Left' })
  @ApiForbiddenResponse({ description: 'Not a participant', type: ErrorDto })
  async leave(@Auth() auth: AuthUser, @ConversationId() id: string, @Body(EmptyBodyPipe) _body: unknown): Promise<void> {
    await this.groups.leave(auth.id, id);
  }
}
