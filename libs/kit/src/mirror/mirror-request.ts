import {
  ProtocolError,
  SignatureDomain,
  signMessage,
  verifyEd25519Node,
  verifyMessage,
  parseStrictJsonBytes,
  type SignedMessage,
  type Signer,
  type TrustBundle,
} from '@registry-bus/protocol';

/** The header carrying a department's signed request for a mirror page. */
export const MIRROR_REQUEST_HEADER = 'registry-bus-signed-request';

/** How far the request's time may be from the mirror's clock: a captured header is useless after this. */
export const MIRROR_REQUEST_SKEW_MS = 300_000;

/** What a department signs to read a mirror: the exact path and query it asks for, and when. */
export interface MirrorRequest {
  method: 'GET';
  path: string;
  time: string;
}

/** Why a mirror request is refused (answered as a 401 naming the header). */
export class MirrorRequestRefused extends Error {
  override readonly name = 'MirrorRequestRefused';
}

/**
 * The header value for `path` (with its query), signed by `department`'s
 * entry key under a domain of its own: base64url of the signed message.
 * No token to hand out between departments: the trust bundle already says
 * which key is whose.
 */
export async function signMirrorRequest(
  path: string,
  department: string,
  signer: Signer,
  now = new Date(),
): Promise<string> {
  const message: MirrorRequest = { method: 'GET', path, time: now.toISOString() };
  const signed = await signMessage(SignatureDomain.MIRROR_REQUEST, message, department, signer);
  return Buffer.from(JSON.stringify(signed), 'utf8').toString('base64url');
}

/**
 * Checks a mirror request header against the path actually asked for and
 * the trust bundle; returns the department that signed it.
 */
export function verifyMirrorRequest(
  header: string | undefined,
  path: string,
  trust: TrustBundle,
  now = new Date(),
): string {
  if (!header) throw new MirrorRequestRefused(`the request needs a ${MIRROR_REQUEST_HEADER} header`);
  let signed: SignedMessage<MirrorRequest>;
  try {
    signed = parseStrictJsonBytes(
      Buffer.from(header, 'base64url'),
      MIRROR_REQUEST_HEADER,
    ) as SignedMessage<MirrorRequest>;
  } catch (error) {
    throw new MirrorRequestRefused(
      `${MIRROR_REQUEST_HEADER} is not base64url JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const { message } = signed ?? {};
  if (
    typeof signed?.department !== 'string' ||
    typeof signed.keyid !== 'string' ||
    typeof signed.sig !== 'string' ||
    typeof message?.path !== 'string' ||
    typeof message.time !== 'string'
  )
    throw new MirrorRequestRefused(
      `${MIRROR_REQUEST_HEADER} must be a signed message {message, department, keyid, sig}`,
    );
  try {
    verifyMessage(SignatureDomain.MIRROR_REQUEST, signed, trust, verifyEd25519Node, now);
  } catch (error) {
    throw new MirrorRequestRefused(
      `${MIRROR_REQUEST_HEADER}: ${error instanceof ProtocolError ? error.message : String(error)}`,
    );
  }
  if (message.method !== 'GET' || message.path !== path)
    throw new MirrorRequestRefused(`${MIRROR_REQUEST_HEADER} was signed for ${message.path}, not for ${path}`);
  const skew = Math.abs(now.getTime() - Date.parse(message.time));
  if (!(skew <= MIRROR_REQUEST_SKEW_MS))
    throw new MirrorRequestRefused(
      `${MIRROR_REQUEST_HEADER} was signed at ${message.time}, more than ${MIRROR_REQUEST_SKEW_MS / 1000} s from this mirror's clock`,
    );
  return signed.department;
}
