import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

import { DepartmentStack } from './department-stack.js';
import { tlsProbe } from './tls-probe.js';

/** What a raw TLS client gets from an app's /health. */
const probe = (url: string, options: { ca: readonly string[]; servername?: string }) =>
  tlsProbe(`${url}/health`, options);

/**
 * HTTPS on the apps (issue #25): every app of the e2e stacks serves it with a
 * certificate of the stack's development CA, as `npm start` runs them; here a
 * client on the same network tries the ways around it.
 */
describe('the apps serve HTTPS, hostname verified', () => {
  const stack = new DepartmentStack();

  beforeAll(() => stack.start(['land'], { PUBLIC_RATE_LIMIT_PER_MINUTE: '3' }));
  afterAll(() => stack.stop());

  it('answers on https:// to a client that trusts the CA', async () => {
    const { url } = stack.get('land');

    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await probe(url, { ca: [readFileSync(stack.caFile, 'utf8')] })).toBe('200');
  });

  it('is refused by a client that trusts only the public roots', async () => {
    // The app sends its chain up to the development CA, a root nobody public vouches for.
    expect(await probe(stack.get('land').url, { ca: rootCertificates })).toBe('SELF_SIGNED_CERT_IN_CHAIN');
  });

  it('is refused when the name dialled is not the certificate’s', async () => {
    expect(
      await probe(stack.get('land').url, { ca: [readFileSync(stack.caFile, 'utf8')], servername: 'land.example' }),
    ).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('gives a plain HTTP client nothing', async () => {
    const plain = stack.get('land').url.replace('https://', 'http://');

    const answer = await fetch(`${plain}/health`).then(
      (response) => `answered ${response.status}`,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
    );

    expect(answer).toBe('UND_ERR_SOCKET');
  });

  it('counts a public client by its socket address, whatever X-Forwarded-For says, without TRUST_PROXY', async () => {
    // A fresh app: a fresh rate-limit window (the probes above asked /health, a public route).
    await stack.stopOne('land');
    await stack.start(['land']);
    const statuses: number[] = [];
    for (const forwarded of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'])
      statuses.push(
        (await stack.call('land', 'GET', '/v1/ledger/head', { headers: { 'x-forwarded-for': forwarded } })).status,
      );

    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('believes X-Forwarded-For from the proxy TRUST_PROXY names, and only from it', async () => {
    await stack.stopOne('land');
    await stack.start(['land'], { TRUST_PROXY: '127.0.0.1' });
    const head = (forwarded: string) =>
      stack.call('land', 'GET', '/v1/ledger/head', { headers: { 'x-forwarded-for': forwarded } });

    const distinct = [];
    for (const forwarded of ['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4'])
      distinct.push((await head(forwarded)).status);
    const same = [];
    for (let i = 0; i < 4; i++) same.push((await head('198.51.100.7')).status);

    expect(distinct).toEqual([200, 200, 200, 200]);
    expect(same).toEqual([200, 200, 200, 429]);
  });
});
