import { concatBytes, utf8 } from '../encoding/bytes.js';

/**
 * Domain separation: each kind of signature signs its own tag followed by
 * the 32 hash bytes, so a signature made for one purpose is never valid for
 * another (an entry signature is not an anchor signature).
 */
export const SignatureDomain = {
  ENTRY: 'registry-bus/entry/v1\n',
  ANCHOR: 'registry-bus/anchor/v1\n',
  COSIGNATURE: 'registry-bus/cosignature/v1\n',
  HEAD: 'registry-bus/head/v1\n',
  TRUST_BUNDLE: 'registry-bus/trust-bundle/v1\n',
  QUERY: 'registry-bus/query/v1\n',
  QUERY_REPLY: 'registry-bus/query-reply/v1\n',
  MIRROR_REQUEST: 'registry-bus/mirror-request/v1\n',
} as const;
export type SignatureDomain = (typeof SignatureDomain)[keyof typeof SignatureDomain];

export function signingMessage(domain: SignatureDomain, hash: Uint8Array): Uint8Array {
  if (hash.length !== 32) throw new Error('a signed hash must be 32 bytes');
  return concatBytes(utf8(domain), hash);
}
