import { createParamDecorator, ExecutionContext } from '@nestjs/common';

/** Who is calling: taken from a verified access token. */
export interface AuthUser {
  id: string;
  username: string;
  /** The session (login) the token belongs to. */
  sessionId: string;
}

/** The authenticated caller, first argument of a controller method (`@Auth() auth`). */
export const Auth = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
