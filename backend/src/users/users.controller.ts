import { Body, Controller, Get, Patch, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Auth, type AuthUser } from '../platform/auth/auth-user';
import { Authenticated } from '../platform/auth/authenticated.decorator';
import { ErrorDto } from '../platform/http/error.dto';
import { ListUsersQueryDto } from './dto/list-users-query.dto';
import { UpdateMeDto } from './dto/update-me.dto';
import { PublicUserDto, UserDto } from './dto/user.dto';
import { UsersService } from './users.service';

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
  @ApiOperation({ summary: 'Other users, ordered by username, to start conversations with' })
  @ApiOkResponse({ type: PublicUserDto, isArray: true })
  @ApiBadRequestResponse({ type: ErrorDto })
  list(@Auth() auth: AuthUser, @Query() query: ListUsersQueryDto): Promise<PublicUserDto[]> {
    return this.users.list(auth.id, query.q, query.limit ?? 100);
  }
}
