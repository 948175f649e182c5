import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UserDto } from '../users/dto/user.dto';
import { UsersService } from '../users/users.service';
import type { RegisterDto } from './dto/register.dto';
import type { TokenDto } from './dto/token.dto';
import { isPayload, type AccessTokenPayload } from './jwt.strategy';
import { SessionCheck } from './session-check';
import { SessionsService } from './sessions.service';

/** Whose a token is, which session it belongs to, and when it expires (ms since the epoch). */
export interface TokenHolder {
  userId: string;
  sessionId: string;
  expiresAt: number;
}
import { RateLimiter } from '../platform/rate-limit/rate-limiter';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
    private readonly limiter: RateLimiter,
    private readonly sessions: SessionsService,
    private readonly sessionCheck: SessionCheck,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Limited per client address (each account costs an argon2 hash): 429 with Retry-After past it. */
  async register(input: RegisterDto, address: string): Promise<UserDto> {
    const { registrationsPerAddress, registrationWindowSeconds } = this.config.limits;
    await this.limiter.take(
      [{ key: `register:address:${address}`, max: registrationsPerAddress, windowMs: registrationWindowSeconds * 1000 }],
      'Too many accounts created from this address; try again later',
    );
    return this.users.create({
      username: input.username,
      email: input.email,
      passwordHash: await this.hasher.hash(input.password),
      fullName: input.full_name || null,
    });
  }

  /**
   * Who a bearer token belongs to, or undefined when the token is missing, forged or expired,
   * or its session was logged out or revoked (the WebSocket handshake's check; REST gets the
   * same one from the passport strategy). Throws when the database cannot answer.
   */
  async identify(token: string | null | undefined): Promise<TokenHolder | undefined> {
    if (!token) return undefined;
    let payload: AccessTokenPayload & { exp?: number };
    try {
      payload = await this.jwt.verifyAsync<AccessTokenPayload & { exp?: number }>(token);
    } catch {
      return undefined;
    }
    if (!isPayload(payload) || !(await this.sessionCheck.isLive(payload.sid, payload.sub))) return undefined;
    return { userId: payload.sub, sessionId: payload.sid, expiresAt: (payload.exp ?? Infinity) * 1000 };
  }

  sessionIsLive(userId: string, sessionId: string): Promise<boolean> {
    return this.sessionCheck.isLive(sessionId, userId);
  }

  /** Same answer, and the same work, whether the account exists or not. */
  async login(login: string, password: string, address: string, userAgent?: string): Promise<TokenDto> {
    const user = await this.users.findForLogin(login);
    // Failures count against the account, whether it was named by username or by email.
    const account = user ? `user:${user.id}` : `login:${login.toLowerCase()}`;
    await this.throttle.begin(account, address);
    const ok = await this.hasher.verify(user?.passwordHash ?? undefined, password);
    if (!user || !ok) throw new UnauthorizedException('Incorrect username or password');
    await this.throttle.succeeded(account, address);
    // Hashes carry their parameters: one made under older ones is made again, now that the password is known.
    if (user.passwordHash && this.hasher.needsRehash(user.passwordHash)) await this.users.setPasswordHash(user.id, await this.hasher.hash(password));
    const ttl = this.config.accessTokenTtlSeconds;
    const sid = await this.sessions.start(user.id, ttl, userAgent);
    const payload: AccessTokenPayload = { sub: user.id, username: user.username, sid };
    return {
      access_token: await this.jwt.signAsync(payload),
      token_type: 'bearer',
      expires_in: ttl,
    };
  }
}
