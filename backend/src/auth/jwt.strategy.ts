import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { AuthUser } from '../platform/auth/auth-user';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { SessionCheck } from './session-check';
import { tokenKey } from './token-key';

/** What an access token says: whose it is and which session (login) it belongs to. */
export interface AccessTokenPayload {
  sub: string;
  username: string;
  /** The session: logged out or revoked, every token of it is refused. */
  sid: string;
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy) {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly sessions: SessionCheck,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // passport-jwt hands it to jsonwebtoken's verify, which takes a KeyObject (its types predate that).
      secretOrKey: tokenKey(config.secretKey) as unknown as Buffer,
      algorithms: ['HS256'],
      ignoreExpiration: false,
    });
  }

  /**
   * A token outlives nothing: its session must still be live (not logged out, not revoked,
   * its account not deleted). A database that cannot answer is a 503, not a 401.
   */
  async validate(payload: AccessTokenPayload): Promise<AuthUser | false> {
    if (!isPayload(payload) || !(await this.sessions.isLive(payload.sid, payload.sub))) return false;
    return { id: payload.sub, username: payload.username, sessionId: payload.sid };
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isPayload(payload: unknown): payload is AccessTokenPayload {
  const p = payload as Partial<AccessTokenPayload> | null;
  return typeof p?.sub === 'string' && UUID.test(p.sub) && typeof p.sid === 'string' && UUID.test(p.sid);
}
