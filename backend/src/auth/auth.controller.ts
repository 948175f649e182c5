import { Body, Controller, Delete, Get, Headers, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Auth, type AuthUser } from '../platform/auth/auth-user';
import { Authenticated } from '../platform/auth/authenticated.decorator';
import { EmptyBodyPipe } from '../platform/http/empty-body.pipe';
import { UuidParam } from '../platform/http/uuid-param';
import { ErrorDto } from '../platform/http/error.dto';
import { UserDto } from '../users/dto/user.dto';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { SessionDto } from './dto/session.dto';
import { TokenDto } from './dto/token.dto';
import { SessionsService } from './sessions.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: SessionsService,
  ) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiConflictResponse({ description: 'Username or email taken', type: ErrorDto })
  @ApiTooManyRequestsResponse({ description: 'Too many accounts created from this address; see Retry-After', type: ErrorDto })
  @ApiServiceUnavailableResponse({ description: 'Too many password hashes waiting (PASSWORD_HASH_QUEUE_LIMIT), or the database could not answer; see Retry-After', type: ErrorDto })
  register(@Body() body: RegisterDto, @Ip() ip: string): Promise<UserDto> {
    return this.auth.register(body, ip);
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a username (or email) and password for an access token' })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded')
  @ApiOkResponse({ type: TokenDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiUnauthorizedResponse({ description: 'Wrong credentials', type: ErrorDto })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts; see Retry-After', type: ErrorDto })
  @ApiServiceUnavailableResponse({ description: 'Too many logins at once (PASSWORD_HASH_QUEUE_LIMIT), or the database could not answer; see Retry-After', type: ErrorDto })
  login(@Body() body: LoginDto, @Ip() ip: string, @Headers('user-agent') userAgent?: string): Promise<TokenDto> {
    return this.auth.login(body.username, body.password, ip, userAgent);
  }

  @Post('logout')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({
    summary: 'Log out: this token (its session) is refused everywhere from now on',
    description: 'Its WebSockets are told `session_revoked` and closed with 4401 on every instance.',
  })
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiServiceUnavailableResponse({ description: 'The database could not answer; try again', type: ErrorDto })
  async logout(@Auth() auth: AuthUser, @Body(EmptyBodyPipe) _body: unknown): Promise<void> {
    await this.sessions.end(auth.id, auth.sessionId);
  }

  @Get('sessions')
  @Authenticated()
  @ApiOperation({ summary: "Your sessions that can still be used (logins not logged out, revoked or expired), most recently used first" })
  @ApiOkResponse({ type: SessionDto, isArray: true })
  listSessions(@Auth() auth: AuthUser): Promise<SessionDto[]> {
    return this.sessions.list(auth.id, auth.sessionId);
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @Authenticated()
  @ApiOperation({ summary: 'Revoke one of your sessions (log out another device), as logout does for it' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiNoContentResponse({ description: 'Revoked' })
  @ApiNotFoundResponse({ description: 'Not one of your live sessions', type: ErrorDto })
  async revokeSession(@Auth() auth: AuthUser, @UuidParam('id') id: string): Promise<void> {
    await this.sessions.revoke(auth.id, id);
  }
}
