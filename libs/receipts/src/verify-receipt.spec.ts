import { cosignSync, sealEntrySync, verifyEd25519Node, type CosignedStatement } from '@registry-bus/protocol';
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
