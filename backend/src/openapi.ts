import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('ChatFlow API')
    .setDescription(
      'REST API of ChatFlow. Log in with POST /auth/login (or the Authorize button), then call the other endpoints ' +
        'with `Authorization: Bearer <access_token>`. Every error has the shape {statusCode, message, error}.',
    )
    .setVersion('1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .addOAuth2(
      { type: 'oauth2', flows: { password: { tokenUrl: '/auth/login', scopes: {} } } },
      'password',
    )
    .build();
  return SwaggerModule.createDocument(app, config);
}

/** Swagger UI at /docs, the OpenAPI 3 document at /docs-json. */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    // A token typed into Swagger UI lasts the page, never kept in localStorage: the web client keeps none there either.
    swaggerOptions: { persistAuthorization: false },
    customSiteTitle: 'ChatFlow API',
  });
}
