import { DynamicModule, Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../../config/app-config';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Removes credentials a URL may carry: the token segment of the seed's
 * `/ws/{conversation_id}/{token}` and a `token` query parameter.
 */
export function redactUrl(url: string | undefined): string | undefined {
  if (!url) return url;
  return url
    .replace(/^(\/ws\/[^/?]+\/)[^/?]+/, '$1[REDACTED]')
    .replace(/([?&](?:access_)?token=)[^&]*/gi, '$1[REDACTED]');
}

/**
 * One structured (JSON) logger for the whole app, one line per request with its id (taken
 * from a well-formed `X-Request-Id` or generated, and echoed in the response). Credentials
 * never reach a log line.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: Pick<AppConfig, 'logLevel'>): DynamicModule {
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            genReqId: (req: IncomingMessage, res: ServerResponse) => {
              const given = req.headers['x-request-id'];
              const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
              res.setHeader('X-Request-Id', id);
              return id;
            },
            redact: {
              paths: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["sec-websocket-protocol"]'],
              censor: '[REDACTED]',
            },
            serializers: {
              req: (req: { id: string; method: string; url: string; headers: Record<string, unknown> }) => ({
                id: req.id,
                method: req.method,
                url: redactUrl(req.url),
                headers: req.headers,
              }),
              res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
            },
            customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
          },
        }),
      ],
    };
  }
}
