import { Body, Controller, Delete, Get, HttpCode, Ip, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Auth, type AuthUser } from '../platform/auth/auth-user';
import { Authenticated } from '../platform/auth/authenticated.decorator';
import { EmptyBodyPipe } from '../platform/http/empty-body.pipe';
import { ErrorDto } from '../platform/http/error.dto';
import { UuidParam } from '../platform/http/uuid-param';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { PublicUserDto, UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

const UserId = () => UuidParam('id');

@ApiTags('users')
@Authenticated()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get('me')
  @ApiOperation({ summary: 'Your own account' })
  @ApiOkResponse({ type: UserDto })
  me(@Auth() auth: AuthUser): Promise<UserDto> {
    return this.users.me(auth.id);
  }

  @Patch('me')
  @ApiOperation({ summary: 'Change your full name or avatar (username and email cannot change)' })
  @ApiOkResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  updateMe(@Auth() auth: AuthUser, @Body() body: UpdateMeDto): Promise<UserDto> {
    return this.users.updateMe(auth.id, body);
  }

  @Get()
  @ApiOperation({
    summary: 'Other users, ordered by username, to start conversations with',
    description: 'Limited per user and per client address (USER_SEARCHES_PER_MINUTE_PER_USER / _PER_ADDRESS): 429 with Retry-After past it.',
  })
  @ApiTooManyRequestsResponse({ description: 'Too many searches; see Retry-After', type: ErrorDto })
  @ApiOkResponse({ type: PublicUserDto, isArray: true })
  @ApiBadRequestResponse({ type: ErrorDto })
  list(@Auth() auth: AuthUser, @Query() query: ListUsersQueryDto, @Ip() ip: string): Promise<PublicUserDto[]> {
    return this.users.list(auth.id, query.q, query.limit ?? 100, ip);
  }

  @Get('me/blocks')
  @ApiOperation({ summary: 'The users you blocked, by username' })
  @ApiOkResponse({ type: PublicUserDto, isArray: true })
  blocks(@Auth() auth: AuthUser): Promise<PublicUserDto[]> {
    return this.users.blocked(auth.id);
  }

  @Post(':id/block')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Block a user',
    description:
      'They can no longer start a one-on-one with you, add you to a group, or send in your one-on-one (nor can you, until ' +
      'you unblock them); they stop seeing your presence and last seen. Nothing tells them. Repeating is harmless.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Blocked' })
  @ApiBadRequestResponse({ description: 'Yourself', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such user', type: ErrorDto })
  async block(@Auth() auth: AuthUser, @UserId() id: string, @Body(EmptyBodyPipe) _body: unknown): Promise<void> {
    await this.users.block(auth.id, id);
  }

  @Delete(':id/block')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unblock a user (repeating is harmless)' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Not blocked (any more)' })
  @ApiBadRequestResponse({ description: 'Yourself', type: ErrorDto })
  @ApiNotFoundResponse({ description: 'No such user', type: ErrorDto })
  async unblock(@Auth() auth: AuthUser, @UserId() id: string): Promise<void> {
    await this.users.unblock(auth.id, id);
  }
}
