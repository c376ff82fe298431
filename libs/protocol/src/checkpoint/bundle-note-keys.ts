import { fromBase64 } from '../encoding/bytes.js';
import type { TrustBundle, TrustedKey } from '../trust/trust-bundle.js';
import { NoteSignatureType, noteKeyId, parseVerifierKey, type NoteVerifierKey } from './signed-note.js';

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

/** A key a witness cosigns checkpoints with, and when the bundle holds it valid. */
export interface CosignerKey {
  key: NoteVerifierKey;
  validAt: (at: Date) => boolean;
}

const NOTARY = 'notary';

/** Who may cosign checkpoints: every department of the bundle but the notary, then every outside witness. */
export function cosignerNames(bundle: TrustBundle): string[] {
  return [
    ...bundle.departments.map((department) => department.id).filter((id) => id !== NOTARY),
    ...(bundle.outsideWitnesses ?? []).map((witness) => witness.name),
  ];
}

/**
 * The cosignature (0x04) keys of `name`: a department's bundle keys, each
 * valid in its window; an outside witness's one key, valid while the bundle
 * names it (a bundle that drops or replaces it is how it is retired).
 */
export function cosignerKeysOf(bundle: TrustBundle, name: string): CosignerKey[] {
  const department = bundle.departments.find((d) => d.id === name);
  if (department)
    return department.keys.map((trusted) => ({
      key: noteKeyOf(name, trusted, NoteSignatureType.COSIGNATURE_V1),
      validAt: (at: Date) => keyValidAt(trusted, at),
    }));
  const outside = bundle.outsideWitnesses?.find((witness) => witness.name === name);
  return outside ? [{ key: parseVerifierKey(outside.key), validAt: () => true }] : [];
}
