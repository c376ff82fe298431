import { testSigner, testTrustBundle } from '@registry-bus/protocol';

import { MirrorRequestRefused, signMirrorRequest, verifyMirrorRequest } from './mirror-request.js';

describe('signed mirror requests', () => {
  const land = testSigner('land');
  const credit = testSigner('credit');
  const trust = testTrustBundle({ land: [land], credit: [credit] });
  const path = '/v1/mirror/entries?chain=land&after=0&limit=500';
  const now = new Date('2026-11-25T10:00:00.000Z');

  it('names the department whose key signed this very path', async () => {
    const header = await signMirrorRequest(path, 'land', land, now);
    expect(verifyMirrorRequest(header, path, trust, now)).toBe('land');
  });

  it('refuses a missing header, another path, a stale time, a key of another department and a changed message', async () => {
    const header = await signMirrorRequest(path, 'land', land, now);
    const refusal = (value: string | undefined, at = now, asked = path) => {
      try {
        verifyMirrorRequest(value, asked, trust, at);
        return 'accepted';
      } catch (error) {
        expect(error).toBeInstanceOf(MirrorRequestRefused);
        return (error as Error).message;
      }
    };
    expect(refusal(undefined)).toMatch(/needs a registry-bus-signed-request header/);
    expect(refusal('%%%')).toMatch(/not base64url JSON/);
    const doubled = Buffer.from('{"department":"land","department":"credit"}').toString('base64url');
    expect(refusal(doubled)).toBe(
      'registry-bus-signed-request is not base64url JSON: PROTOCOL.BAD_JSON: $.department: duplicate key in registry-bus-signed-request at character 21',
    );
    expect(refusal(header, now, path.replace('after=0', 'after=500'))).toMatch(/signed for .*after=0.*not for/);
    expect(refusal(header, new Date(now.getTime() + 301_000))).toMatch(/more than 300 s/);
    expect(refusal(header, new Date(now.getTime() + 299_000))).toBe('accepted');
    // credit's key presented as land's.
    const forged = await signMirrorRequest(path, 'credit', credit, now);
    const claimed = JSON.parse(Buffer.from(forged, 'base64url').toString('utf8')) as Record<string, unknown>;
    const asLand = Buffer.from(JSON.stringify({ ...claimed, department: 'land' })).toString('base64url');
    expect(refusal(asLand)).toMatch(/belongs to 'credit', not 'land'/);
    // The signed path changed after signing.
    const signed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { message: { path: string } };
    const altered = { ...signed, message: { ...signed.message, path: path.replace('limit=500', 'limit=1000') } };
    expect(refusal(Buffer.from(JSON.stringify(altered)).toString('base64url'), now, altered.message.path)).toMatch(
      /does not verify/,
    );
  });
});
