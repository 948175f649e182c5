import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from '../database/unavailable';
import { databaseOutage } from '../logging/outage-log';
import { ErrorBody, errorBody } from './error-body';

/** What a 503 tells a client to wait before trying again, when nothing more precise is known. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** PostgreSQL errors caused by the input rather than by the server. */
const CLIENT_PG_ERRORS: Record<string, number> = {
  '22P02': 400, // invalid text representation
  '22021': 400, // character not in repertoire (NUL bytes)
  '22001': 400, // string too long
  '23505': 409, // unique violation that got past the service's own checks
};

/**
 * Turns every exception into the API's JSON error shape. A database that cannot answer is a
 * 503 with Retry-After (logged once per outage); unexpected errors are logged with their
 * stack and answered with a bare 500: no stack, no internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    if (res.headersSent) return;
    const retryAfter = (exception as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (typeof retryAfter === 'number') res.setHeader('Retry-After', String(retryAfter));
    else if (body.statusCode === 503) res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    res.status(body.statusCode).json(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      if (typeof response === 'string') return errorBody(status, response);
      // Extra fields (the health check's per-dependency details) ride along with the shape.
      const { message, error: _error, statusCode: _status, ...extra } = response as Record<string, unknown>;
      return { ...extra, ...errorBody(status, (message as string | string[] | undefined) ?? exception.message) };
    }
    if (isDatabaseUnavailable(exception)) {
      databaseOutage.failed(exception);
      return errorBody(503, 'The database is unavailable; try again in a moment');
    }
    if (exception instanceof QueryFailedError) {
      const code = (exception.driverError as { code?: string } | undefined)?.code;
      const status = code ? CLIENT_PG_ERRORS[code] : undefined;
      if (status) return errorBody(status, status === 409 ? 'Conflict with existing data' : 'Invalid input');
    }
    const status = httpStatusOf(exception);
    if (status && status >= 400 && status < 500) return errorBody(status, (exception as Error).message);
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return errorBody(500, 'Internal server error');
  }
}

/** Errors from Express middleware (body-parser) carry their HTTP status. */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' ? value : undefined;
}
