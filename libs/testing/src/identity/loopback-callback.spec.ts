import { API_DOCS_CALLBACK_PATH, PORTAL_CALLBACK_PATH, isLoopbackCallback } from './dev-identity-provider.js';

describe("the development provider's any-port callbacks (tests start the apps after the provider)", () => {
  it.each(['https://127.0.0.1:40123/portal/', 'http://127.0.0.1:3006/portal/', 'https://127.0.0.1:1/portal/'])(
    'takes the portal callback %s',
    (uri) => {
      expect(isLoopbackCallback(uri, PORTAL_CALLBACK_PATH)).toBe(true);
    },
  );

  it("takes Swagger UI's oauth2-redirect.html on any port", () => {
    expect(isLoopbackCallback('https://127.0.0.1:40123/docs/oauth2-redirect.html', API_DOCS_CALLBACK_PATH)).toBe(true);
  });

  it.each([
    ['another host', 'https://evil.example:40123/portal/'],
    ['localhost (a name anyone may resolve elsewhere)', 'https://localhost:40123/portal/'],
    ['another loopback address', 'https://127.0.0.2:40123/portal/'],
    ['no port (the registered placeholder is matched exactly, not here)', 'https://127.0.0.1/portal/'],
    ['another path', 'https://127.0.0.1:40123/portal/other/'],
    ["the other client's path", 'https://127.0.0.1:40123/docs/oauth2-redirect.html'],
    ['a path the parser would normalise', 'https://127.0.0.1:40123/docs/../portal/'],
    ['a query', 'https://127.0.0.1:40123/portal/?next=https://evil.example'],
    ['an empty query', 'https://127.0.0.1:40123/portal/?'],
    ['a fragment', 'https://127.0.0.1:40123/portal/#x'],
    ['user info', 'https://evil.example@127.0.0.1:40123/portal/'],
    ['another scheme', 'javascript://127.0.0.1:40123/portal/'],
    ['no URL at all', 'portal'],
  ])('refuses %s', (_what, uri) => {
    expect(isLoopbackCallback(uri, PORTAL_CALLBACK_PATH)).toBe(false);
  });
});
