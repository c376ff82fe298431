import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/**
 * OpenAPI from the controllers and their zod schemas (Nest's Standard Schema
 * support converts them), served at `/docs` (Swagger UI, bundled — no CDN)
 * and `/docs-json`.
 */
/** `title`: what the app is, after "Registry Bus — " (`land register`, `portal`). */
export function setupOpenApi(app: INestApplication, title: string, version: string): void {
  const config = new DocumentBuilder()
    .setTitle(`Registry Bus — ${title}`)
    .setDescription(
      'Commands record who (the token’s operator) and on what legal basis. Errors are RFC 9457 problem+json ' +
        'with a stable `code` and the wrong `field`. Send `Idempotency-Key` on every command to retry safely.',
    )
    .setVersion(version)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An operator token: rbt_<department>_…' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json', raw: ['json'] });
}
