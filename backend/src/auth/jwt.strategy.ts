import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from '../platform/auth/auth-user';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { UsersService } from '../users/users.service';

export interface AccessTokenPayload {
  sub: string;
  username: string;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly users: UsersService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.secretKey,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  /** A token outlives nothing: it must still name an existing account. */
  async validate(payload: AccessTokenPayload): Promise<AuthUser | false> {
    if (typeof payload?.sub !== 'string' || !(await this.users.exists(payload.sub).catch(() => false))) return false;
    return { id: payload.sub, username: payload.username };
  }
}
