import { consistencyProof, inclusionProof, leafHash, rootFromLeaves } from '@registry-bus/merkle';
import {
  NoteSignatureType,
  cosignCheckpoint,
  formatCheckpoint,
  formatNote,
  formatVerifierKey,
  fromHex,
  memorySigner,
  signNoteEd25519,
  toHex,
  utf8,
} from '@registry-bus/protocol';
import { goCheck } from '@registry-bus/testing';

/**
 * Our C2SP checkpoints, note signatures, cosignatures and RFC 6962 proofs,
 * checked by code nobody here wrote: Go's golang.org/x/mod/sumdb/note and
 * sumdb/tlog (Debian's golang-golang-x-mod-dev), and a cosignature/v1
 * verifier written in Go from the C2SP text (libs/protocol/crosscheck).
 */
const notary = memorySigner('notary-1', fromHex('31'.repeat(32)));
const credit = memorySigner('credit-1', fromHex('32'.repeat(32)));
const court = memorySigner('court-1', fromHex('33'.repeat(32)));
const leaves = Array.from({ length: 13 }, (_, i) => utf8(`entry ${i + 1}`));

describe('C2SP formats and RFC 6962 proofs against Go’s sumdb packages', () => {
  const origin = 'registry-bus.test/land';
  const checkpoint = formatCheckpoint({ origin, size: leaves.length, rootHash: rootFromLeaves(leaves) });
  const notaryKey = formatVerifierKey('notary', NoteSignatureType.ED25519, notary.publicKey);
  const creditKey = formatVerifierKey('credit', NoteSignatureType.COSIGNATURE_V1, credit.publicKey);
  const courtKey = formatVerifierKey('court', NoteSignatureType.COSIGNATURE_V1, court.publicKey);

  async function cosignedNote(): Promise<string> {
    return formatNote({
      text: checkpoint,
      signatures: [
        await signNoteEd25519(checkpoint, 'notary', notary.publicKey, (m) => notary.sign(m)),
        await cosignCheckpoint(checkpoint, 'credit', credit.publicKey, 1764600000, (m) => credit.sign(m)),
        await cosignCheckpoint(checkpoint, 'court', court.publicKey, 1764600007, (m) => court.sign(m)),
      ],
    });
  }

  it('sumdb/note opens the notary’s checkpoint, and the C2SP-text verifier accepts both cosignatures', async () => {
    const { status, answer } = goCheck({
      mode: 'note',
      note: await cosignedNote(),
      vkeys: [notaryKey, creditKey, courtKey],
    });
    expect(answer).toEqual({
      ok: true,
      signed: ['notary'],
      cosigned: { credit: 1764600000, court: 1764600007 },
      checkpoint: [origin, '13', checkpoint.split('\n')[2]],
    });
    expect(status).toBe(0);
  });

  it('refuses a checkpoint whose size was changed after signing, and a cosignature with a changed time', async () => {
    const note = await cosignedNote();
    const resized = goCheck({ mode: 'note', note: note.replace('\n13\n', '\n14\n'), vkeys: [notaryKey] });
    expect(resized).toEqual({
      status: 1,
      answer: {
        ok: false,
        error: `sumdb/note: invalid signature for key ${notaryKey.split('+').slice(0, 2).join('+')}`,
      },
    });

    // Re-encode credit's cosignature with its timestamp one second later: the signature no longer covers it.
    const lines = note.split('\n');
    const at = lines.findIndex((line) => line.startsWith('— credit '));
    const raw = Buffer.from(lines[at]!.slice('— credit '.length), 'base64');
    raw.writeBigUInt64BE(raw.readBigUInt64BE(4) + 1n, 4);
    lines[at] = `— credit ${raw.toString('base64')}`;
    const moved = goCheck({ mode: 'note', note: lines.join('\n'), vkeys: [notaryKey, creditKey] });
    expect(moved).toEqual({
      status: 1,
      answer: { ok: false, error: 'cosignature of credit (time 1764600001) does not verify' },
    });
  });

  it('sumdb/tlog accepts our inclusion proofs and consistency proofs, and refuses a wrong leaf', () => {
    const root = toHex(rootFromLeaves(leaves));
    for (const index of [0, 6, 12]) {
      const inclusion = goCheck({
        mode: 'inclusion',
        leafIndex: index,
        leafHash: toHex(leafHash(leaves[index]!)),
        treeSize: leaves.length,
        root,
        proof: inclusionProof(leaves, index).map(toHex),
      });
      expect(inclusion).toEqual({ status: 0, answer: { ok: true } });
    }
    for (const oldSize of [1, 7, 8, 12]) {
      const consistency = goCheck({
        mode: 'consistency',
        oldSize,
        oldRoot: toHex(rootFromLeaves(leaves.slice(0, oldSize))),
        treeSize: leaves.length,
        root,
        proof: consistencyProof(leaves, oldSize).map(toHex),
      });
      expect(consistency).toEqual({ status: 0, answer: { ok: true } });
    }
    const wrong = goCheck({
      mode: 'inclusion',
      leafIndex: 6,
      leafHash: toHex(leafHash(leaves[5]!)),
      treeSize: leaves.length,
      root,
      proof: inclusionProof(leaves, 6).map(toHex),
    });
    expect(wrong).toEqual({ status: 1, answer: { ok: false, error: 'invalid transparency proof' } });
  });
});
