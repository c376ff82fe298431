import { fromBase64, fromHex, toBase64, utf8 } from '../encoding/bytes.js';
import { memorySigner } from '../signing/signer.js';
import {
  NoteSignatureType,
  formatNote,
  formatVerifierKey,
  noteKeyId,
  parseNote,
  parseVerifierKey,
  signNoteEd25519,
  verifyNoteEd25519,
} from './signed-note.js';
import { formatCheckpoint, parseCheckpoint } from './tlog-checkpoint.js';
import { cosignCheckpoint, cosignatureMessage, splitCosignature, verifyCosignatures } from './tlog-cosignature.js';

// The example of c2sp.org/signed-note, "Verifier keys": a key and a note it verifies, made by another implementation.
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE =
  'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

const notary = memorySigner('notary-test', fromHex('11'.repeat(32)));
const witness = memorySigner('credit-test', fromHex('22'.repeat(32)));
const root = fromHex('0a'.repeat(32));

describe('C2SP signed notes', () => {
  it('verifies the signed-note specification example and recomputes its key ID', () => {
    const key = parseVerifierKey(SPEC_VKEY);
    expect(key).toMatchObject({ name: 'example.com/foo', keyId: '530d903a', type: NoteSignatureType.ED25519 });
    expect(formatVerifierKey(key.name, key.type, key.publicKey)).toBe(SPEC_VKEY);
    const note = parseNote(SPEC_NOTE);
    expect(note.text).toBe('This is an example message.\n');
    expect(verifyNoteEd25519(note, key)).toBe(true);
    expect(formatNote(note)).toBe(SPEC_NOTE);
  });

  it('refuses the example with one changed byte of text, or with a signature by the same name under another key ID', () => {
    const key = parseVerifierKey(SPEC_VKEY);
    expect(verifyNoteEd25519(parseNote(SPEC_NOTE.replace('example', 'exemple')), key)).toBe(false);
    const other = { ...key, keyId: '530d903b' };
    expect(verifyNoteEd25519(parseNote(SPEC_NOTE), other)).toBe(false);
  });

  it('refuses a verifier key whose key ID does not match its key, and malformed notes, naming the fault', () => {
    expect(() => parseVerifierKey(SPEC_VKEY.replace('530d903a', '530d903b'))).toThrow(
      "PROTOCOL.BAD_NOTE: the key ID of 'example.com/foo+530d903b+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k' does not match its key",
    );
    expect(() => parseNote('no blank line\n— a AAAA\n')).toThrow('a blank line between its text and its signatures');
    expect(() => parseNote('text\n\n- a AAAAAAAAAAA=\n')).toThrow('is not a signature line');
    expect(() => parseNote('te\u0007xt\n\n— a AAAAAAAAAAA=\n')).toThrow('control character');
    expect(() => parseNote(SPEC_NOTE.slice(0, -1))).toThrow('does not end in a newline');
  });

  it('signs a note with an async signer so that the same key verifies it', async () => {
    const name = 'registry-bus.test/notary';
    const signature = await signNoteEd25519('hello\n', name, notary.publicKey, (m) => notary.sign(m));
    expect(signature.keyId).toBe(noteKeyId(name, 0x01, notary.publicKey));
    const key = parseVerifierKey(formatVerifierKey(name, NoteSignatureType.ED25519, notary.publicKey));
    expect(verifyNoteEd25519(parseNote(formatNote({ text: 'hello\n', signatures: [signature] })), key)).toBe(true);
  });
});

describe('C2SP tlog checkpoints', () => {
  it('writes origin, size and base64 root, one per line, and reads them back', () => {
    const text = formatCheckpoint({ origin: 'registry-bus.test/land', size: 20852163, rootHash: root });
    expect(text).toBe(`registry-bus.test/land\n20852163\n${toBase64(root)}\n`);
    expect(parseCheckpoint(text)).toEqual({ origin: 'registry-bus.test/land', size: 20852163, rootHash: root });
  });

  it('refuses a size with a leading zero, a short root and an empty extension line', () => {
    expect(() => parseCheckpoint(`o\n012\n${toBase64(root)}\n`)).toThrow("'012' is not a tree size");
    expect(() => parseCheckpoint(`o\n12\n${toBase64(root.subarray(1))}\n`)).toThrow('not 32 bytes');
    expect(() => parseCheckpoint(`o\n12\n${toBase64(root)}\n\n`)).toThrow('an extension line is empty');
  });
});

describe('C2SP tlog-cosignature/v1', () => {
  const checkpoint = formatCheckpoint({ origin: 'registry-bus.test/land', size: 7, rootHash: root });
  const name = 'registry-bus.test/witness/credit';

  it('signs cosignature/v1, the time line and the checkpoint text, as the specification spells it', () => {
    expect(new TextDecoder().decode(cosignatureMessage(1679315147, checkpoint))).toBe(
      `cosignature/v1\ntime 1679315147\n${checkpoint}`,
    );
  });

  it('carries the timestamp big-endian before the signature, and verifies under the 0x04 key', async () => {
    const cosignature = await cosignCheckpoint(checkpoint, name, witness.publicKey, 1679315147, (m) => witness.sign(m));
    // 1679315147 = 0x641850CB, the timestamp of the specification's example.
    expect(toBase64(cosignature.signature.subarray(0, 8))).toBe('AAAAAGQYUMs=');
    expect(splitCosignature(cosignature.signature).timestamp).toBe(1679315147);
    const key = parseVerifierKey(formatVerifierKey(name, NoteSignatureType.COSIGNATURE_V1, witness.publicKey));
    const note = parseNote(formatNote({ text: checkpoint, signatures: [cosignature] }));
    expect(verifyCosignatures(note, key)).toEqual([1679315147]);
  });

  it('refuses a cosignature whose timestamp was changed, and one of another checkpoint', async () => {
    const cosignature = await cosignCheckpoint(checkpoint, name, witness.publicKey, 1679315147, (m) => witness.sign(m));
    const key = parseVerifierKey(formatVerifierKey(name, NoteSignatureType.COSIGNATURE_V1, witness.publicKey));
    const moved = new Uint8Array(cosignature.signature);
    moved[7] = moved[7]! + 1;
    expect(() =>
      verifyCosignatures({ text: checkpoint, signatures: [{ ...cosignature, signature: moved }] }, key),
    ).toThrow('the cosignature of registry-bus.test/witness/credit (time 1679315148) does not verify');
    const other = formatCheckpoint({ origin: 'registry-bus.test/land', size: 8, rootHash: root });
    expect(() => verifyCosignatures({ text: other, signatures: [cosignature] }, key)).toThrow('does not verify');
    // The same key as a 0x01 note key has another key ID: its cosignature is not a note signature of it.
    const asNoteKey = parseVerifierKey(formatVerifierKey(name, NoteSignatureType.ED25519, witness.publicKey));
    expect(verifyNoteEd25519({ text: checkpoint, signatures: [cosignature] }, asNoteKey)).toBe(false);
    expect(fromBase64(toBase64(utf8('x')))).toEqual(utf8('x'));
  });
});
