import { fromBase64 } from '../encoding/bytes.js';
import type { TrustBundle, TrustedKey } from '../trust/trust-bundle.js';
import { noteKeyId, type NoteVerifierKey } from './signed-note.js';

/** Whether a bundle key signs validly at `at`: inside its window and not yet revoked. */
export function keyValidAt(key: TrustedKey, at: Date): boolean {
  const time = at.getTime();
  return (
    Date.parse(key.validFrom) <= time &&
    (key.validUntil === undefined || time < Date.parse(key.validUntil)) &&
    (key.revokedAt === undefined || time < Date.parse(key.revokedAt))
  );
}

/**
 * A department's keys in the trust bundle as note verifier keys of `type`
 * (0x01 the notary's checkpoint signature, 0x04 a witness's cosignature),
 * named by the department id — the bundle is the one place a key's name,
 * owner and validity live; `at` keeps only the keys valid then.
 */
export function noteKeysOf(bundle: TrustBundle, department: string, type: number, at?: Date): NoteVerifierKey[] {
  const keys = bundle.departments.find((d) => d.id === department)?.keys ?? [];
  return keys.filter((key) => at === undefined || keyValidAt(key, at)).map((key) => noteKeyOf(department, key, type));
}

/** One bundle key of `department` as a note verifier key of `type`. */
export function noteKeyOf(department: string, key: TrustedKey, type: number): NoteVerifierKey {
  const publicKey = fromBase64(key.publicKey);
  return { name: department, keyId: noteKeyId(department, type, publicKey), type, publicKey };
}
