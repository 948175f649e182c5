import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import type { RegisterDto } from './dto/register.dto';
import type { TokenDto } from './dto/token.dto';
import type { AccessTokenPayload } from './jwt.strategy';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async register(input: RegisterDto): Promise<UserDto> {
    return this.users.create({
      username: input.username,
      email: input.email,
      passwordHash: await this.hasher.hash(input.password),
      fullName: input.full_name || null,
    });
  }

  /**
   * The user a bearer token names, or undefined when the token is missing, forged or
   * expired, or its account no longer exists (the WebSocket handshake's check; REST gets
   * the same one from the passport strategy).
   */
  async userIdFromToken(token: string | null | undefined): Promise<string | undefined> {
    if (!token) return undefined;
    try {
      const payload = await this.jwt.verifyAsync<AccessTokenPayload>(token);
      return typeof payload.sub === 'string' && (await this.users.exists(payload.sub)) ? payload.sub : undefined;
    } catch {
      return undefined;
    }
  }

  /** Same answer, and the same work, whether the account exists or not. */
  async login(login: string, password: string, address: string): Promise<TokenDto> {
    const user = await this.users.findForLogin(login);
    // Failures count against the account, whether it was named by username or by email.
    const account = user ? `user:${user.id}` : `login:${login.toLowerCase()}`;
    await this.throttle.assertAllowed(account, address);
    const ok = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !ok) {
      await this.throttle.recordFailure(account);
      throw new UnauthorizedException('Incorrect username or password');
    }
    await this.throttle.recordSuccess(account);
    const payload: AccessTokenPayload = { sub: user.id, username: user.username };
    return {
      access_token: await this.jwt.signAsync(payload),
      token_type: 'bearer',
      expires_in: this.config.accessTokenTtlSeconds,
    };
  }
}
