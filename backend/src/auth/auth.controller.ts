import { Body, Controller, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorDto } from '../platform/http/error.dto';
import { UserDto } from '../users/dto/user.dto';
import { AuthService } from './auth.service';
import { LoginDto } from './dto/login.dto';
import { RegisterDto } from './dto/register.dto';
import { TokenDto } from './dto/token.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Post('register')
  @ApiOperation({ summary: 'Create an account' })
  @ApiCreatedResponse({ type: UserDto })
  @ApiBadRequestResponse({ type: ErrorDto })
  @ApiConflictResponse({ description: 'Username or email taken', type: ErrorDto })
  @ApiTooManyRequestsResponse({ description: 'Too many accounts created from this address; see Retry-After', type: ErrorDto })
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
  login(@Body() body: LoginDto, @Ip() ip: string): Promise<TokenDto> {
    return this.auth.login(body.username, body.password, ip);
  }
}
