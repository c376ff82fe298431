import {
  cosignCheckpoint,
  cosignSync,
  formatCheckpoint,
  formatNote,
  fromHex,
  sealEntrySync,
  signNoteEd25519,
  verifyEd25519Node,
  type CosignedStatement,
} from '@registry-bus/protocol';
import { testReceipt } from '@registry-bus/testing';

import { verifyReceipt } from './verify-receipt.js';

describe('verifyReceipt: the witness quorum', () => {
  it('enough distinct eligible witnesses: valid', () => {
    const { receipt, bundle } = testReceipt(['land', 'credit', 'court', 'bond']);
    const sut = verifyReceipt(receipt, bundle, verifyEd25519Node);
    expect(sut).toMatchObject({
      ok: true,
      verdict: 'valid',
      quorum: { met: true, counted: ['credit', 'court', 'bond'] },
    });
    expect(sut.failure).toBeUndefined();
    expect(sut.quorum!.text).toBe("quorum: 3 of 3 independent cosignatures (land's own does not count)");
  });

  it('stripped of its cosignatures: every check passes, but it is below quorum', () => {
    const { receipt, bundle } = testReceipt(['land', 'credit', 'court', 'bond']);
    const sut = verifyReceipt({ ...receipt, cosignatures: [] }, bundle, verifyEd25519Node);
    expect(sut).toMatchObject({ ok: false, verdict: 'below-quorum' });
    expect(sut.failure).toBeUndefined();
    expect(sut.checks.every((check) => check.ok)).toBe(true);
    expect(sut.quorum!.shortfall).toBe('quorum: 0 of 3 independent cosignatures');
  });

  it("left with the owner's own cosignature only: below quorum, naming why", () => {
    const { receipt, bundle } = testReceipt(['land']);
    const sut = verifyReceipt(receipt, bundle, verifyEd25519Node);
    expect(sut).toMatchObject({ ok: false, verdict: 'below-quorum' });
    expect(sut.summary.witnessedBy).toEqual(['land']);
    expect(sut.quorum!.shortfall).toBe("quorum: 0 of 3 independent cosignatures (land's own does not count)");
  });

  it('the same witness twice counts once', () => {
    const { receipt, bundle } = testReceipt(['credit', 'credit', 'court']);
    expect(verifyReceipt(receipt, bundle, verifyEd25519Node).quorum!.shortfall).toBe(
      'quorum: 2 of 3 independent cosignatures',
    );
  });

  it("the bundle's own rule: land witnessed by credit with quorum 1 is valid", () => {
    const { receipt, bundle } = testReceipt(['land', 'credit'], [{ chain: 'land', witnesses: ['credit'], quorum: 1 }]);
    expect(verifyReceipt(receipt, bundle, verifyEd25519Node)).toMatchObject({ ok: true, verdict: 'valid' });
  });

  it('a forged cosignature is invalid, not below quorum, however many good ones there are', () => {
    const { receipt, bundle, signers } = testReceipt(['credit', 'court', 'bond', 'diploma']);
    const fields = receipt.cosignatures[0]!.disclosure.fields as unknown as CosignedStatement;
    const statement: CosignedStatement = {
      anchorChain: fields.anchorChain,
      anchorSeq: fields.anchorSeq,
      anchorHash: fields.anchorHash,
      chain: fields.chain,
      treeSize: fields.treeSize,
      root: fields.root,
    };
    // A correctly signed entry of credit's, whose cosignature was made with another department's key.
    const forged = sealEntrySync(
      {
        chain: 'credit',
        seq: 1,
        prevhash: new Uint8Array(32),
        type: 'gov.credit.witness.cosigned.v1',
        subject: 'anchor:1',
        data: { ...statement, signature: cosignSync(statement, signers.court!) },
        actor: 'system:credit',
        time: new Date('2026-06-01T10:00:02.000Z'),
      },
      signers.credit!,
    );
    const copy = structuredClone(receipt);
    copy.cosignatures[0] = { envelope: forged.envelope, disclosure: forged.disclosure };
    const sut = verifyReceipt(copy, bundle, verifyEd25519Node);
    expect(sut).toMatchObject({ ok: false, verdict: 'invalid' });
    expect(sut.quorum).toBeUndefined();
    expect(sut.failure).toMatchObject({ id: 'cosignature-0-matches', reason: 'the cosignature does not verify' });

    const altered = structuredClone(receipt);
    (altered.cosignatures[1]!.disclosure.fields as Record<string, string>).signature = fields.anchorHash;
    expect(verifyReceipt(altered, bundle, verifyEd25519Node)).toMatchObject({
      verdict: 'invalid',
      failure: { id: 'cosignature-1-data' },
    });
  });

  it('a failed integrity check is invalid whatever the cosignatures', () => {
    const { receipt, bundle } = testReceipt(['credit', 'court', 'bond']);
    const copy = structuredClone(receipt);
    (copy.entry.disclosure.fields as Record<string, string>).cadastralNumber = 'P-3';
    expect(verifyReceipt(copy, bundle, verifyEd25519Node)).toMatchObject({
      ok: false,
      verdict: 'invalid',
      failure: { id: 'entry-data' },
    });
  });
});

describe('verifyReceipt: the checkpoint of the anchor and its cosignatures (C2SP, issue #23)', () => {
  /** The notary's checkpoint of the receipt's anchor, cosigned by `witnesses` at the anchor's time. */
  async function withCheckpoint(witnesses: readonly string[], changes: { size?: number; origin?: string } = {}) {
    const made = testReceipt([]);
    const fields = made.receipt.anchor.disclosure.fields as Record<string, string>;
    const text = formatCheckpoint({
      origin: changes.origin ?? 'registry-bus.test/land',
      size: changes.size ?? Number(fields.treeSize),
      rootHash: fromHex(fields.root!),
    });
    const notary = made.signers.notary!;
    const signatures = [await signNoteEd25519(text, 'notary', notary.publicKey, notary.sign)];
    const at = Math.floor(Date.parse(made.receipt.anchor.envelope.time) / 1000);
    for (const witness of witnesses) {
      const signer = made.signers[witness]!;
      signatures.push(await cosignCheckpoint(text, witness, signer.publicKey, at, signer.sign));
    }
    return { ...made, receipt: { ...made.receipt, checkpoint: formatNote({ text, signatures }) } };
  }

  it('counts the cosignatures on the checkpoint toward the quorum, without any cosignature entry', async () => {
    const { receipt, bundle } = await withCheckpoint(['credit', 'court', 'bond']);
    const sut = verifyReceipt(receipt, bundle, verifyEd25519Node);
    expect(sut).toMatchObject({ ok: true, verdict: 'valid' });
    expect([...sut.quorum!.counted].sort()).toEqual(['bond', 'court', 'credit']);
    expect(sut.checks.find((check) => check.id === 'checkpoint')).toEqual({
      id: 'checkpoint',
      says: 'the notary’s checkpoint of this anchor and the witnesses’ cosignatures on it',
      ok: true,
    });
  });

  it("the owner's cosignature on the checkpoint does not count", async () => {
    const { receipt, bundle } = await withCheckpoint(['land', 'credit']);
    expect(verifyReceipt(receipt, bundle, verifyEd25519Node).quorum!.shortfall).toBe(
      "quorum: 1 of 3 independent cosignatures (land's own does not count)",
    );
  });

  it('a changed cosignature, a checkpoint of another size or origin, or one the notary did not sign: invalid', async () => {
    const good = await withCheckpoint(['credit', 'court', 'bond']);
    const lines = good.receipt.checkpoint.split('\n');
    // One base64 character of the last cosignature changed (inside the signature, away from the padding).
    const last = lines[lines.length - 2]!;
    lines[lines.length - 2] = `${last.slice(0, -6)}${last.at(-6) === 'A' ? 'B' : 'A'}${last.slice(-5)}`;
    const tampered = verifyReceipt({ ...good.receipt, checkpoint: lines.join('\n') }, good.bundle, verifyEd25519Node);
    expect(tampered).toMatchObject({ verdict: 'invalid', failure: { id: 'checkpoint' } });

    const larger = await withCheckpoint(['credit', 'court', 'bond'], { size: 3 });
    expect(verifyReceipt(larger.receipt, larger.bundle, verifyEd25519Node).failure).toMatchObject({
      id: 'checkpoint',
      reason: expect.stringMatching(/^the checkpoint says 3 entries/),
    });
    const elsewhere = await withCheckpoint(['credit', 'court', 'bond'], { origin: 'registry-bus.test/court' });
    expect(verifyReceipt(elsewhere.receipt, elsewhere.bundle, verifyEd25519Node).failure).toMatchObject({
      id: 'checkpoint',
      reason: "the checkpoint's origin registry-bus.test/court is not of chain land",
    });

    // Signed by land's key under the notary's name: no notary signature, refused.
    const forged = await withCheckpoint(['credit', 'court', 'bond']);
    const body = forged.receipt.checkpoint.slice(0, forged.receipt.checkpoint.indexOf('\n\n') + 1);
    const land = forged.signers.land!;
    const impostor = formatNote({
      text: body,
      signatures: [await signNoteEd25519(body, 'notary', land.publicKey, land.sign)],
    });
    expect(
      verifyReceipt({ ...forged.receipt, checkpoint: impostor }, forged.bundle, verifyEd25519Node).failure,
    ).toMatchObject({
      id: 'checkpoint',
      reason: 'the checkpoint carries no valid signature of a notary key valid at its anchor',
    });
  });
});
