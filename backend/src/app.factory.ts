import { ArgumentMetadata, BadRequestException, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AllExceptionsFilter, UNAVAILABLE_RETRY_AFTER_SECONDS } from './platform/http/all-exceptions.filter';
import { errorBody } from './platform/http/error-body';
import { MAX_INPUT_DEPTH, nestedDeeperThan } from './platform/http/nesting';
import { answerParserErrorsInShape } from './platform/http/parser-errors';
import { Lifecycle } from './platform/lifecycle';
import type { AppConfig } from './config/app-config';
import type { DatabaseOptions } from './database/database.module';
import { mountOpenApi } from './openapi';
import { ChatFlowWsAdapter } from './realtime/ws-adapter';


/** Builds the HTTP application: used by main.ts and by the e2e suites alike. */
export async function createApp(
  config: AppConfig,
  database: DatabaseOptions,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, database), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  app.useWebSocketAdapter(new ChatFlowWsAdapter(app, config.corsOrigins));
  configureApp(app, config);
  return app;
}

/** `__proto__` and `constructor` are never fields of ours: refused like any unknown field (400). */
function rejectPrototypeKeys(key: string, value: unknown): unknown {
  // A SyntaxError is what body-parser turns into a 400.
  if (key === '__proto__' || key === 'constructor') throw new SyntaxError(`property ${key} should not exist`);
  return value;
}

/** Strict validation: unknown fields are 400. A request without a body validates as `{}`. */
class RequestValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      transform: true,
      validationError: { target: false, value: false },
    });
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && nestedDeeperThan(value)) {
      throw new BadRequestException(`The body nests objects and arrays at most ${MAX_INPUT_DEPTH} deep`);
    }
    return super.transform(metadata.type === 'body' && value === undefined ? {} : value, metadata);
  }
}

/**
 * While the instance drains (SIGTERM), every new request but the liveness probe is a 503
 * with `Connection: close`: the client (or the balancer) retries on another instance.
 */
function refuseWhileDraining(lifecycle: Lifecycle) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!lifecycle.draining || req.path === '/health/live') return next();
    res.setHeader('Connection', 'close');
    res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    res.status(503).json(errorBody(503, 'This server is shutting down; try again'));
  };
}

export function configureApp(app: NestExpressApplication, config: AppConfig): void {
  const filter = new AllExceptionsFilter();
  app.set('trust proxy', config.trustProxy);
  app.use(
    helmet({
      // Swagger UI loads its own inline styles and an init script from /docs.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'unsafe-inline'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'https:'],
          // Served over plain HTTP in development; TLS is the proxy's job.
          upgradeInsecureRequests: null,
        },
      },
    }),
  );
  app.use(refuseWhileDraining(app.get(Lifecycle)));
  app.enableCors({ origin: config.corsOrigins.includes('*') ? true : config.corsOrigins, maxAge: 600 });
  app.useBodyParser('json', { limit: config.bodyLimit, reviver: rejectPrototypeKeys });
  app.useBodyParser('urlencoded', { limit: config.bodyLimit, extended: false });
  // Errors raised by the body parsers (too large → 413, malformed → 400) get the API's error shape too.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const body = filter.toBody(error);
    res.status(body.statusCode).json(body);
  });
  app.useGlobalPipes(new RequestValidationPipe());
  app.useGlobalFilters(filter);
  answerParserErrorsInShape(app.getHttpServer());
  mountOpenApi(app);
}
