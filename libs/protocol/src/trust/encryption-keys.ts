import {
  encryptionKeyId,
  parseEncryptionKey,
  type EncryptionKeyEntry,
  type EncryptionPublicKey,
} from '../encryption/encryption-key.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';

/**
 * The part of a trust bundle read here, structurally: trust-bundle.ts calls
 * this module, so it cannot be imported back (no import cycles).
 */
interface BundleEncryptionKeys {
  version: number;
  departments: { id: string; encryptionKeys?: EncryptionKeyEntry[] }[];
}

const INSTANTS = ['validFrom', 'validUntil', 'revokedAt'] as const;

function refuse(reason: string, attribute: string): never {
  throw new ProtocolError(ProtocolErrorCode.BAD_TRUST_BUNDLE, reason, attribute);
}

/**
 * Refuses a bundle whose `encryptionKeys` are not usable (issue #28): not a
 * list, an entry parseEncryptionKey refuses, a key id that is not
 * `encryptionKeyId(department, key)` (an id names its key, so a bundle cannot
 * list one key under another's id), a key id listed twice anywhere in the
 * bundle, or a validity member that is not an instant or a window that ends
 * before it starts. Each refusal names the department and the key id.
 */
export function checkEncryptionKeys(bundle: Pick<BundleEncryptionKeys, 'departments'>): void {
  const seen = new Map<string, string>();
  bundle.departments.forEach((department, index) => {
    const entries: unknown = department.encryptionKeys;
    if (entries === undefined) return;
    const attribute = `departments[${index}].encryptionKeys`;
    if (!Array.isArray(entries)) refuse(`the encryption keys of '${department.id}' must be a list`, attribute);
    entries.forEach((entry: unknown, position) => {
      const where = `${attribute}[${position}]`;
      const named =
        typeof entry === 'object' && entry !== null && typeof (entry as { keyId?: unknown }).keyId === 'string'
          ? `'${(entry as { keyId: string }).keyId}'`
          : `#${position + 1}`;
      const what = `encryption key ${named} of '${department.id}'`;
      let parsed: EncryptionPublicKey;
      try {
        parsed = parseEncryptionKey(entry, where);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        refuse(`${what}: ${error.reason}`, error.attribute ?? where);
      }
      const expected = encryptionKeyId(department.id, parsed.publicKey);
      if (parsed.keyId !== expected) {
        refuse(`${what}: its key id must name its key, '${expected}'`, `${where}.keyId`);
      }
      const owner = seen.get(parsed.keyId);
      if (owner !== undefined) refuse(`${what}: listed twice (also under '${owner}')`, `${where}.keyId`);
      seen.set(parsed.keyId, department.id);
      const key = entry as EncryptionKeyEntry;
      for (const member of INSTANTS) {
        const value = key[member];
        if (value !== undefined && Number.isNaN(Date.parse(value))) {
          refuse(`${what}: ${member} '${value}' is not an instant`, `${where}.${member}`);
        }
      }
      if (
        key.validFrom !== undefined &&
        key.validUntil !== undefined &&
        Date.parse(key.validUntil) <= Date.parse(key.validFrom)
      ) {
        refuse(`${what}: validUntil ${key.validUntil} is not after validFrom ${key.validFrom}`, `${where}.validUntil`);
      }
    });
  });
}

/** Why `key` may not be sealed to at `at` (revoked, or outside its window), or undefined when it may. */
function encryptionKeyProblemAt(key: EncryptionKeyEntry, at: Date): string | undefined {
  const time = at.getTime();
  if (key.revokedAt !== undefined && time >= Date.parse(key.revokedAt)) {
    return `'${key.keyId}' was revoked at ${key.revokedAt}${key.revocationReason ? ` (${key.revocationReason})` : ''}`;
  }
  if (key.validFrom !== undefined && time < Date.parse(key.validFrom)) {
    return `'${key.keyId}' is valid from ${key.validFrom}`;
  }
  if (key.validUntil !== undefined && time >= Date.parse(key.validUntil)) {
    return `'${key.keyId}' was retired at ${key.validUntil}`;
  }
  return undefined;
}

/**
 * The encryption key of `department` a key release is sealed to at `at`:
 * inside its window and not revoked. When a rotation leaves two valid, the
 * newer (later validFrom; without one, the later in the list) — the old one
 * stays listed only so that what was sealed to it can still be named.
 * Throws UNKNOWN_KEY when the department or its keys are not in the bundle,
 * KEY_REVOKED or KEY_NOT_VALID_AT_TIME (naming each key and why) when none
 * holds at `at`. Pure: the bundle is assumed verified (checkEncryptionKeys).
 */
export function encryptionKeyOf(bundle: BundleEncryptionKeys, department: string, at: Date): EncryptionPublicKey {
  const owner = bundle.departments.find((candidate) => candidate.id === department);
  if (!owner) {
    throw new ProtocolError(
      ProtocolErrorCode.UNKNOWN_KEY,
      `department '${department}' is not in trust bundle version ${bundle.version}`,
      'department',
    );
  }
  const keys = owner.encryptionKeys ?? [];
  if (keys.length === 0) {
    throw new ProtocolError(
      ProtocolErrorCode.UNKNOWN_KEY,
      `department '${department}' lists no encryption key in trust bundle version ${bundle.version}`,
      'encryptionKeys',
    );
  }
  const since = (key: EncryptionKeyEntry) => (key.validFrom === undefined ? -Infinity : Date.parse(key.validFrom));
  let chosen: EncryptionKeyEntry | undefined;
  const problems: string[] = [];
  for (const key of keys) {
    const problem = encryptionKeyProblemAt(key, at);
    if (problem) problems.push(problem);
    else if (!chosen || since(key) >= since(chosen)) chosen = key;
  }
  if (!chosen) {
    const allRevoked = keys.every((key) => key.revokedAt !== undefined && at.getTime() >= Date.parse(key.revokedAt));
    throw new ProtocolError(
      allRevoked ? ProtocolErrorCode.KEY_REVOKED : ProtocolErrorCode.KEY_NOT_VALID_AT_TIME,
      `no encryption key of '${department}' holds at ${at.toISOString()}: ${problems.join('; ')}`,
      'encryptionKeys',
    );
  }
  return parseEncryptionKey(chosen);
}

/**
 * `next` keeps every encryption key of `previous` (bundle succession): with
 * its department and public key, its validFrom; a retirement stands, a
 * revocation is neither cleared nor moved later (what was sealed to a
 * stolen key must stay known as such). It may add keys, and retire or
 * revoke one that was not.
 */
export function checkEncryptionKeysKept(previous: BundleEncryptionKeys, next: BundleEncryptionKeys): void {
  for (const department of previous.departments) {
    const after = next.departments.find((candidate) => candidate.id === department.id);
    for (const key of department.encryptionKeys ?? []) {
      const where = `encryption key '${key.keyId}' of '${department.id}'`;
      const kept = after?.encryptionKeys?.find((candidate) => candidate.keyId === key.keyId);
      if (!kept) {
        refuse(
          `bundle version ${next.version} drops ${where}: no key ever leaves the bundle (retire or revoke it instead)`,
          'bundle.departments',
        );
      }
      if (kept.publicKey !== key.publicKey) refuse(`${where} has another public key`, 'bundle.departments');
      if (kept.validFrom !== key.validFrom) {
        refuse(
          `${where} moves its validFrom from ${key.validFrom ?? 'unset'} to ${kept.validFrom ?? 'unset'}`,
          'bundle.departments',
        );
      }
      if (key.validUntil !== undefined && kept.validUntil !== key.validUntil) {
        refuse(
          `${where} was retired at ${key.validUntil}; a retirement stands (not ${kept.validUntil ?? 'cleared'})`,
          'bundle.departments',
        );
      }
      if (key.revokedAt !== undefined) {
        if (kept.revokedAt === undefined)
          refuse(`${where} clears its revocation of ${key.revokedAt}`, 'bundle.departments');
        if (Date.parse(kept.revokedAt) > Date.parse(key.revokedAt)) {
          refuse(
            `${where} moves its revocation later, from ${key.revokedAt} to ${kept.revokedAt}`,
            'bundle.departments',
          );
        }
      }
    }
  }
}
