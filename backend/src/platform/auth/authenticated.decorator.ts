import { applyDecorators, HttpException, HttpStatus, Injectable, UnauthorizedException, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { ApiBearerAuth, ApiOAuth2, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorDto } from '../http/error.dto';

@Injectable()
export class JwtAuthGuard extends AuthGuard('jwt') {
  override handleRequest<T>(error: unknown, user: T | false): T {
    // A dependency that could not answer (503) is no verdict on the token: never "log in again".
    if (error instanceof HttpException && error.getStatus() === Number(HttpStatus.SERVICE_UNAVAILABLE)) throw error;
    if (error || !user) throw new UnauthorizedException('Missing, invalid, expired or revoked access token');
    return user;
  }
}

/** Requires a valid bearer token; documents it in OpenAPI. */
export function Authenticated(): MethodDecorator & ClassDecorator {
  return applyDecorators(
    UseGuards(JwtAuthGuard),
    ApiBearerAuth(),
    // Swagger UI's Authorize dialog can also log in directly (OAuth2 password flow on /auth/login).
    ApiOAuth2([], 'password'),
    ApiUnauthorizedResponse({ description: 'Missing, malformed, expired or forged token', type: ErrorDto }),
  );
}
