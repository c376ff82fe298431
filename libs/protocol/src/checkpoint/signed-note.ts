import { sha256 } from '@noble/hashes/sha2.js';

import { concatBytes, fromBase64, fromHex, toBase64, toHex, utf8 } from '../encoding/bytes.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { verifyEd25519 } from '../signing/ed25519.js';

/**
 * C2SP signed-note (c2sp.org/signed-note): a text ending in a newline, a
 * blank line, then one line per signature, `— <key name> base64(key ID ‖
 * signature)`. Pure functions of strings and bytes, browser-safe.
 */

/** Signature type bytes assigned by the signed-note text that this project uses. */
export const NoteSignatureType = {
  /** Ed25519 over the note text (the notary's checkpoint signature). */
  ED25519: 0x01,
  /** Timestamped Ed25519 checkpoint cosignature (c2sp.org/tlog-cosignature). */
  COSIGNATURE_V1: 0x04,
} as const;
export type NoteSignatureType = (typeof NoteSignatureType)[keyof typeof NoteSignatureType];

export interface NoteSignature {
  name: string;
  /** The 4-byte key ID, big-endian, as 8 lower-case hex digits. */
  keyId: string;
  /** What follows the key ID: the signature (for 0x04, timestamp ‖ signature). */
  signature: Uint8Array;
}

export interface SignedNote {
  /** The note text, final newline included. */
  text: string;
  signatures: NoteSignature[];
}

/** A verifier key: who signs, with which algorithm and public key. */
export interface NoteVerifierKey {
  name: string;
  keyId: string;
  type: number;
  publicKey: Uint8Array;
}

const EM_DASH_SPACE = '\u2014 ';
/** Verifiers must accept at least 16 signatures; more than this is refused as a resource attack. */
const MAX_SIGNATURES = 64;

const bad = (reason: string): never => {
  throw new ProtocolError(ProtocolErrorCode.BAD_NOTE, reason);
};

/** Key names are non-empty and carry no Unicode space and no plus (signed-note, "Format"). */
export function checkKeyName(name: string): void {
  if (name.length === 0 || /[\s+]/u.test(name)) bad(`'${name}' is not a note key name (non-empty, no spaces, no '+')`);
}

/** key ID = SHA-256(key name ‖ 0x0A ‖ signature type ‖ public key)[:4], as 8 hex digits. */
export function noteKeyId(name: string, type: number, publicKey: Uint8Array): string {
  checkKeyName(name);
  return toHex(sha256(concatBytes(utf8(name), new Uint8Array([0x0a, type]), publicKey)).subarray(0, 4));
}

/** `<name>+<8-hex key ID>+base64(type ‖ public key)` (signed-note, "Verifier keys"). */
export function formatVerifierKey(name: string, type: number, publicKey: Uint8Array): string {
  return `${name}+${noteKeyId(name, type, publicKey)}+${toBase64(concatBytes(new Uint8Array([type]), publicKey))}`;
}

/** Parses a verifier key and checks that its key ID is the one its name, type and key give. */
export function parseVerifierKey(vkey: string): NoteVerifierKey {
  // Names and key IDs hold no '+'; the base64 key may.
  const first = vkey.indexOf('+');
  const second = vkey.indexOf('+', first + 1);
  if (first <= 0 || second < 0) return bad(`'${vkey}' is not <name>+<key id>+<key>`);
  const [name, keyId, encoded] = [vkey.slice(0, first), vkey.slice(first + 1, second), vkey.slice(second + 1)];
  checkKeyName(name);
  if (!/^[0-9a-f]{8}$/.test(keyId)) return bad(`the key ID of '${vkey}' is not 8 lower-case hex digits`);
  let material: Uint8Array;
  try {
    material = fromBase64(encoded);
  } catch {
    return bad(`the key of '${vkey}' is not base64`);
  }
  if (material.length !== 33) return bad(`the key of '${vkey}' is not a type byte and a 32-byte Ed25519 key`);
  const type = material[0]!;
  const publicKey = material.subarray(1);
  if (noteKeyId(name, type, publicKey) !== keyId) return bad(`the key ID of '${vkey}' does not match its key`);
  return { name, keyId, type, publicKey };
}

function checkText(text: string, what: string): void {
  if (!text.endsWith('\n')) bad(`the ${what} does not end in a newline`);
  // eslint-disable-next-line no-control-regex -- the very characters the format forbids
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) bad(`the ${what} contains a control character other than newline`);
}

/** The signature line of `signature` by the key `name`/`keyId`, without its newline. */
export function formatSignatureLine(name: string, keyId: string, signature: Uint8Array): string {
  checkKeyName(name);
  return `${EM_DASH_SPACE}${name} ${toBase64(concatBytes(fromHex(keyId), signature))}`;
}

/** The note text, a blank line, and each signature line. */
export function formatNote(note: SignedNote): string {
  checkText(note.text, 'note text');
  if (note.signatures.length === 0) bad('a signed note has at least one signature');
  return `${note.text}\n${note.signatures.map((s) => `${formatSignatureLine(s.name, s.keyId, s.signature)}\n`).join('')}`;
}

/**
 * Splits a signed note into its text and signatures: the text ends at the
 * last blank line; every line after it must be a well-formed signature line.
 */
export function parseNote(note: string): SignedNote {
  checkText(note, 'signed note');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return bad('a signed note has a blank line between its text and its signatures');
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return bad(`more than ${MAX_SIGNATURES} signatures`);
  const signatures = lines.map((line) => {
    if (!line.startsWith(EM_DASH_SPACE)) return bad(`'${line}' is not a signature line (— <name> <signature>)`);
    const rest = line.slice(EM_DASH_SPACE.length);
    const space = rest.indexOf(' ');
    if (space <= 0) return bad(`'${line}' is not a signature line (— <name> <signature>)`);
    const name = rest.slice(0, space);
    checkKeyName(name);
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(rest.slice(space + 1));
    } catch {
      return bad(`the signature of ${name} is not base64`);
    }
    if (bytes.length < 5) return bad(`the signature of ${name} is shorter than a key ID and a signature`);
    return { name, keyId: toHex(bytes.subarray(0, 4)), signature: bytes.subarray(4) };
  });
  return { text, signatures };
}

/** The signatures of `note` made by `key` (its name and key ID; any other is not this key's, signed-note says ignore). */
export function signaturesBy(note: SignedNote, key: Pick<NoteVerifierKey, 'name' | 'keyId'>): NoteSignature[] {
  return note.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
}

/** An Ed25519 (type 0x01) signature line over `text`, made by `sign` (a Signer's async `sign`). */
export async function signNoteEd25519(
  text: string,
  name: string,
  publicKey: Uint8Array,
  sign: (message: Uint8Array) => Promise<Uint8Array>,
): Promise<NoteSignature> {
  checkText(text, 'note text');
  return { name, keyId: noteKeyId(name, NoteSignatureType.ED25519, publicKey), signature: await sign(utf8(text)) };
}

/**
 * Whether `note` carries a valid Ed25519 (type 0x01) signature of `key`.
 * A signature with the key's name and ID that fails makes the whole note
 * invalid (signed-note: "clients SHOULD reject the whole note").
 */
export function verifyNoteEd25519(note: SignedNote, key: NoteVerifierKey): boolean {
  if (key.type !== NoteSignatureType.ED25519) return false;
  const mine = signaturesBy(note, key);
  return mine.length > 0 && mine.every((s) => verifyEd25519(s.signature, utf8(note.text), key.publicKey));
}
