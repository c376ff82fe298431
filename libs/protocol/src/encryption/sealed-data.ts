import { fieldCommitment, type Disclosure } from '../commitments/commitments.js';
import { toHex } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { openField, parseSealedField, sealField, type SealedField } from './field-cipher.js';
import { deriveFieldKey } from './field-key.js';

/**
 * The data of an entry as it travels (issue #28): the fields its type marks
 * public in clear with their salts, every other field sealed under its own
 * field key — its salt inside the ciphertext — and its commitment in
 * `withheld`, so the datadigest checks without any key and a reader without
 * the key sees neither value nor salt.
 *
 * A field is sealed whole under the path `[field]`: a field that names
 * several people (a parcel's co-owners) has one key, so erasing one of them
 * erases the field for all of them (docs/PRIVACY.md).
 */
export interface SealedDisclosure extends Disclosure {
  sealed: Record<string, SealedField>;
}

/** The entry a disclosure belongs to: what the field keys and the associated data bind it to. */
export interface SealedEntryContext {
  chain: string;
  seq: number;
  type: string;
  /** The entry hash, 64 lower-case hex or 32 bytes. */
  hash: string | Uint8Array;
}

const hexOf = (hash: string | Uint8Array) => (typeof hash === 'string' ? hash : toHex(hash));

/** The field key of one top-level field of one entry, derived from its subject key. */
export function entryFieldKey(subjectKey: Uint8Array, entry: SealedEntryContext, field: string): Uint8Array {
  return deriveFieldKey(subjectKey, { chain: entry.chain, seq: entry.seq, type: entry.type, field: [field] });
}

/**
 * Seals every disclosed field not in `publicFields`. The public fields keep
 * their salts; a sealed field's salt is only inside its ciphertext. Fields
 * the owner already withheld stay withheld.
 */
export async function sealDisclosure(
  disclosure: Disclosure,
  entry: SealedEntryContext,
  publicFields: readonly string[],
  subjectKey: Uint8Array,
): Promise<SealedDisclosure> {
  const open = new Set(publicFields);
  const hash = hexOf(entry.hash);
  const fields: Disclosure['fields'] = {};
  const salts: Record<string, string> = {};
  const withheld: Record<string, string> = { ...disclosure.withheld };
  const sealed: Record<string, SealedField> = {};
  for (const [field, value] of Object.entries(disclosure.fields)) {
    const salt = disclosure.salts[field]!;
    if (open.has(field)) {
      fields[field] = value;
      salts[field] = salt;
      continue;
    }
    withheld[field] = fieldCommitment(salt, field, value);
    sealed[field] = await sealField(
      entryFieldKey(subjectKey, entry, field),
      { chain: entry.chain, seq: entry.seq, field: [field], hash },
      { salt, value },
    );
  }
  return { fields, salts, withheld, sealed };
}

/** Checks the `sealed` member of a disclosure off the wire: each a sealed field, each withheld (its commitment given). */
export function parseSealedMember(sealed: unknown, withheld: Record<string, string>): Record<string, SealedField> {
  if (typeof sealed !== 'object' || sealed === null || Array.isArray(sealed)) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_DISCLOSURE,
      'sealed must map field names to encrypted values',
      'data',
    );
  }
  for (const [field, value] of Object.entries(sealed)) {
    if (!(field in withheld)) {
      throw new ProtocolError(
        ProtocolErrorCode.BAD_DISCLOSURE,
        'a sealed field needs its commitment in withheld',
        `data.${field}`,
      );
    }
    parseSealedField(value, `data.${field}`);
  }
  return sealed as Record<string, SealedField>;
}

/** What opening a disclosure's sealed fields gave. */
export interface OpenedDisclosure {
  /**
   * The disclosure with every opened field disclosed (salt and value), the
   * others still withheld, their ciphertexts kept in `sealed` (a mirror gives
   * them back to their owner, who can open them).
   */
  disclosure: Disclosure & { sealed?: Record<string, SealedField> };
  /** Fields opened and checked against their commitments (sorted). */
  opened: string[];
  /** Fields that had a key and did not open or did not match their commitment. */
  refused: Array<{ field: string; error: ProtocolError }>;
}

/**
 * Opens the sealed fields `keyOf` has a key for and checks each against its
 * commitment; the rest stay withheld. A key that opens a value whose
 * commitment differs is refused (DATA_COMMITMENT_MISMATCH): the owner sealed
 * something other than what it signed.
 */
export async function openDisclosure(
  disclosure: Disclosure & { sealed?: Record<string, SealedField> },
  entry: SealedEntryContext,
  keyOf: (field: string) => Uint8Array | undefined,
): Promise<OpenedDisclosure> {
  const hash = hexOf(entry.hash);
  const fields = { ...disclosure.fields };
  const salts = { ...disclosure.salts };
  const withheld = { ...disclosure.withheld };
  const opened: string[] = [];
  const refused: OpenedDisclosure['refused'] = [];
  for (const [field, sealed] of Object.entries(disclosure.sealed ?? {})) {
    const key = keyOf(field);
    if (!key) continue;
    try {
      const value = await openField(key, { chain: entry.chain, seq: entry.seq, field: [field], hash }, sealed);
      if (fieldCommitment(value.salt, field, value.value) !== withheld[field]) {
        throw new ProtocolError(
          ProtocolErrorCode.DATA_COMMITMENT_MISMATCH,
          'the sealed value does not match the commitment the owner signed',
          `data.${field}`,
        );
      }
      fields[field] = value.value;
      salts[field] = value.salt;
      delete withheld[field];
      opened.push(field);
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      refused.push({ field, error });
    }
  }
  const still = Object.fromEntries(
    Object.entries(disclosure.sealed ?? {}).filter(([field]) => !opened.includes(field)),
  );
  return {
    disclosure:
      Object.keys(still).length > 0 ? { fields, salts, withheld, sealed: still } : { fields, salts, withheld },
    opened: opened.sort(),
    refused,
  };
}

/** The sealed fields of a disclosure (sorted), none when it has no `sealed` member. */
export function sealedFieldsOf(disclosure: { sealed?: Record<string, unknown> } | undefined): string[] {
  return Object.keys(disclosure?.sealed ?? {}).sort();
}
