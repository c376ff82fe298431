import type { INestApplication } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import type { Application } from 'express';

import { OIDC_VERIFIER, type OidcVerifier } from '../identity/index.js';
import { apiDocsSignIn, type ApiDocsSignIn } from './sign-in-scheme.js';

/**
 * The public client Swagger UI signs in as (authorization code with PKCE,
 * no secret): the provider registers it with every app's
 * `<app>/docs/oauth2-redirect.html` as a redirect URI. The Authorize dialog
 * shows it, and takes another.
 */
export const API_DOCS_CLIENT_ID = 'registry-bus-api-docs';

/**
 * OpenAPI from the controllers and their zod schemas (Nest's Standard Schema
 * support converts them), served at `/docs/` (Swagger UI, bundled — no CDN)
 * and `/docs-json`. When the app takes the OpenID provider's access tokens,
 * Swagger UI's "Authorize" signs in there too (`sign-in-scheme.ts`).
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
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description: 'An operator token (`rbt_<department>_…`), or an access token of the OpenID provider',
    })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const signIn = apiDocsSignIn(oidcSettingsOf(app), API_DOCS_CLIENT_ID);
  // Swagger UI sends the provider back to oauth2-redirect.html beside the page it runs in: under /docs/ only
  // when the page is /docs/ itself (from /docs it would be /oauth2-redirect.html, which nobody serves).
  (app.getHttpAdapter().getInstance() as Application).get('/docs', (request, response, next) => {
    if (request.path.endsWith('/')) return next();
    const query = request.originalUrl.indexOf('?');
    response.redirect(308, `/docs/${query === -1 ? '' : request.originalUrl.slice(query)}`);
  });
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    raw: ['json'],
    ...(signIn
      ? {
          // The document as served: with the sign-in once the provider's endpoints are known.
          patchDocumentOnRequest: (_request: unknown, _response: unknown, built: OpenAPIObject) =>
            signIn.document(built),
          swaggerOptions: {
            initOAuth: {
              clientId: signIn.clientId,
              usePkceWithAuthorizationCodeGrant: true,
              scopes: signIn.scopes,
              // RFC 8707: the token is for this register (its OIDC_AUDIENCE), as the provider requires.
              additionalQueryStringParams: { resource: signIn.audience },
            },
          },
        }
      : {}),
  });
}

/** The sign-in settings of the app's OIDC verifier (a department's, when OIDC_ISSUER is set); else none. */
function oidcSettingsOf(app: INestApplication): ApiDocsSignIn['provider'] | undefined {
  // Through a ModuleRef: the app's own get() ends the process on an unknown provider instead of throwing.
  try {
    return app.get(ModuleRef).get<OidcVerifier | null>(OIDC_VERIFIER, { strict: false })?.settings;
  } catch {
    // The portal has no verifier: it relays the operator's token to the notary and judges none itself.
    return undefined;
  }
}
