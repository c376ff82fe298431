import type { OpenAPIObject } from '@nestjs/swagger';

import { withSignInScheme } from './sign-in-scheme.js';

const provider = { issuer: 'https://id.gov.example', audience: 'urn:registry-bus:land' };
const endpoints = { authorizationUrl: 'https://id.gov.example/auth', tokenUrl: 'https://id.gov.example/token' };

const built = (): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 'Registry Bus — land register', version: '1.0.0' },
  paths: {
    '/v1/parcels/{cadastralNumber}': {
      get: { responses: {}, security: [{ bearer: [] }] },
      post: { responses: {} },
    },
    '/v1/ledger/head': { get: { responses: {} } },
  },
  components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
});

describe("Swagger UI's sign-in at the OpenID provider", () => {
  it('adds an authorization-code scheme for the provider, offered wherever a bearer token is', () => {
    const sut = withSignInScheme(built(), provider, endpoints);
    expect(sut.components!.securitySchemes).toEqual({
      bearer: { type: 'http', scheme: 'bearer' },
      oidc: {
        type: 'oauth2',
        description:
          'Sign in at https://id.gov.example (authorization code with PKCE) for an access token of urn:registry-bus:land',
        flows: {
          authorizationCode: {
            authorizationUrl: 'https://id.gov.example/auth',
            tokenUrl: 'https://id.gov.example/token',
            scopes: { openid: 'Sign in (OpenID Connect); the access token is for this register alone' },
          },
        },
      },
    });
    expect(sut.paths['/v1/parcels/{cadastralNumber}']!.get!.security).toEqual([{ bearer: [] }, { oidc: [] }]);
  });

  it('leaves public routes public', () => {
    const sut = withSignInScheme(built(), provider, endpoints);
    expect(sut.paths['/v1/ledger/head']!.get!.security).toBeUndefined();
    expect(sut.paths['/v1/parcels/{cadastralNumber}']!.post!.security).toBeUndefined();
  });

  it('leaves the built document as it was (it is served again at the next request)', () => {
    const document = built();
    withSignInScheme(document, provider, endpoints);
    expect(document).toEqual(built());
  });
});
