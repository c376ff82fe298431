import { verifyEd25519Node } from '@registry-bus/protocol';
import { ENTRY_TIME, testReceiptAcrossAnchors } from '@registry-bus/testing';

import type { UnanchoredReceipt } from './receipt.js';
import { verifyLedgerExport } from './verify-ledger-export.js';
import { verifyReceipt } from './verify-receipt.js';

/**
 * Issue #24: a receipt's key is judged when the world first saw the entry —
 * the later of its first anchor's time and the q-th earliest witness
 * timestamp on that anchor's checkpoint — not at the time it claims, nor
 * at the latest anchor. Entries claim 10:00:00; the first anchor (2
 * entries) is signed at 10:00:01 and cosigned by credit at :02, court at
 * :30, bond at :40 (quorum 2 of credit, court, bond: the key time is
 * 10:00:30); the latest (4 entries) an hour later.
 */
const TIMES = {
  firstAnchor: 1,
  firstWitnesses: { credit: 2, court: 30, bond: 40 },
  latestAnchor: 3600,
  latestWitnesses: { credit: 3601, court: 3602 },
};
const iso = (seconds: number) => new Date(ENTRY_TIME.getTime() + seconds * 1000).toISOString();

describe('verifyReceipt: the key judged at the first anchor (issue #24)', () => {
  it('carries the first anchor and the latest quorum checkpoint, consistent with it: valid, key judged at the q-th witness', async () => {
    const { receipt, bundle } = await testReceiptAcrossAnchors(TIMES);
    const sut = verifyReceipt(receipt, bundle, verifyEd25519Node);
    expect(sut.failure).toBeUndefined();
    expect(sut.verdict).toBe('valid');
    expect(sut.summary).toMatchObject({
      anchoredAt: iso(1),
      anchoredTreeSize: 2,
      firstAnchor: true,
      latest: { anchoredAt: iso(3600), treeSize: 4 },
      keyJudgedAt: iso(30),
      keyJudgedBy: 'its anchor of 2 entries, once credit, court, bond had cosigned it',
    });
    expect(sut.checks.map((check) => check.id)).toEqual([
      'format',
      'entry-signature',
      'entry-data',
      'anchor-signature',
      'anchor-data',
      'anchor-is-notary',
      'anchor-covers-entry',
      'inclusion',
      'checkpoint',
      'latest-anchor-signature',
      'latest-anchor-data',
      'latest-anchor-is-notary',
      'latest-anchor-covers-entry',
      'latest-inclusion',
      'latest-consistency',
      'latest-checkpoint',
      'keys-at-anchor',
    ]);
    expect(sut.summary.witnessedBy).toEqual(['credit', 'court']);
  });

  it('a rotated key (retired after the first anchor, before the latest) keeps the receipt valid, without any grace', async () => {
    const { receipt, bundleWith } = await testReceiptAcrossAnchors(TIMES);
    const rotated = bundleWith((key) => (key.validUntil = iso(600)), 0);
    const sut = verifyReceipt(receipt, rotated, verifyEd25519Node);
    expect(sut.failure).toBeUndefined();
    expect(sut).toMatchObject({ ok: true, verdict: 'valid' });
  });

  it('a key revoked after the time the entry claims but before its first anchor: invalid, naming keys-at-anchor', async () => {
    const { receipt, bundleWith } = await testReceiptAcrossAnchors(TIMES);
    const revoked = bundleWith((key) => {
      key.revokedAt = iso(0.5);
      key.revocationReason = 'stolen';
    });
    expect(verifyReceipt(receipt, revoked, verifyEd25519Node)).toMatchObject({
      ok: false,
      verdict: 'invalid',
      failure: {
        id: 'keys-at-anchor',
        reason: `PROTOCOL.KEY_REVOKED: keyid: key 'land-key-1' was revoked at ${iso(0.5)} (stolen), and the record was first anchored at ${iso(30)}: a revoked key signs nothing the world saw after its revocation`,
      },
    });
  });

  it('revoked after the anchor was signed but before a quorum had cosigned it: invalid — the witnesses fix the time, not the notary alone', async () => {
    const { receipt, bundleWith } = await testReceiptAcrossAnchors(TIMES);
    const sut = verifyReceipt(
      receipt,
      bundleWith((key) => (key.revokedAt = iso(20))),
      verifyEd25519Node,
    );
    expect(sut.failure).toMatchObject({ id: 'keys-at-anchor', reason: expect.stringMatching(/was revoked at/) });
  });

  it('a revoked key gets no grace, however long the bundle grants to retired keys', async () => {
    const { receipt, bundleWith } = await testReceiptAcrossAnchors(TIMES);
    const sut = verifyReceipt(
      receipt,
      bundleWith((key) => (key.revokedAt = iso(20)), 86_400),
      verifyEd25519Node,
    );
    expect(sut.verdict).toBe('invalid');
  });

  it('a retired key first anchored within its validity plus the grace: valid; after the grace: invalid', async () => {
    const { receipt, bundleWith } = await testReceiptAcrossAnchors(TIMES);
    // Retired at 10:00:20, the key time is 10:00:30.
    const within = bundleWith((key) => (key.validUntil = iso(20)), 60);
    expect(verifyReceipt(receipt, within, verifyEd25519Node)).toMatchObject({ ok: true, verdict: 'valid' });
    const after = bundleWith((key) => (key.validUntil = iso(20)), 5);
    expect(verifyReceipt(receipt, after, verifyEd25519Node)).toMatchObject({
      verdict: 'invalid',
      failure: {
        id: 'keys-at-anchor',
        reason: `PROTOCOL.KEY_NOT_VALID_AT_TIME: keyid: key 'land-key-1' was retired at ${iso(20)}, and the record was first anchored at ${iso(30)}: after its validity and the bundle's anchor grace of 5 s`,
      },
    });
  });

  it('a first anchor short of its quorum: the key is judged at the latest quorum checkpoint (later, so never more lenient)', async () => {
    const { receipt, bundleWith } = await testReceiptAcrossAnchors({ ...TIMES, firstWitnesses: { credit: 2 } });
    const rotated = bundleWith((key) => (key.validUntil = iso(600)), 0);
    const sut = verifyReceipt(receipt, rotated, verifyEd25519Node);
    expect(sut.summary.keyJudgedAt).toBe(iso(3602));
    expect(sut.failure).toMatchObject({ id: 'keys-at-anchor', reason: expect.stringMatching(/was retired at/) });
    const { bundle } = await testReceiptAcrossAnchors(TIMES);
    expect(verifyReceipt(receipt, bundle, verifyEd25519Node)).toMatchObject({ verdict: 'valid' });
  });

  it('a latest anchor of another history, or a changed consistency proof: invalid, naming latest-consistency', async () => {
    const { receipt, bundle } = await testReceiptAcrossAnchors(TIMES);
    const changed = structuredClone(receipt);
    changed.latest!.consistency.proof[0] = '00'.repeat(32);
    expect(verifyReceipt(changed, bundle, verifyEd25519Node).failure).toMatchObject({
      id: 'latest-consistency',
      reason:
        'the tree of 4 entries the notary anchored last does not extend the tree of 2 it anchored first: a forked history',
    });
    const resized = structuredClone(receipt);
    resized.latest!.consistency.fromSize = 1;
    expect(verifyReceipt(resized, bundle, verifyEd25519Node).failure).toMatchObject({
      id: 'latest-consistency',
      reason: 'the proof is from 1 to 4 entries, the anchors are of 2 and 4',
    });
  });

  it('a receipt from before #24 (its one anchor not the first covering the entry) verifies as before, judged at that anchor', async () => {
    const { receipt, bundle } = await testReceiptAcrossAnchors(TIMES);
    const old = { ...receipt, anchor: receipt.latest!.anchor, inclusion: receipt.latest!.inclusion };
    old.checkpoint = receipt.latest!.checkpoint;
    delete old.latest;
    const sut = verifyReceipt(old, bundle, verifyEd25519Node);
    expect(sut).toMatchObject({ verdict: 'valid', summary: { firstAnchor: false, keyJudgedAt: iso(3602) } });
    expect(sut.checks.map((check) => check.id).filter((id) => id.startsWith('latest-'))).toEqual([]);
  });

  it('an entry not yet anchored: judged by the bundle as of now and reported unanchored', async () => {
    const { receipt, bundle, bundleWith } = await testReceiptAcrossAnchors(TIMES);
    const unanchored: UnanchoredReceipt = { format: receipt.format, entry: receipt.entry };
    const now = new Date(ENTRY_TIME.getTime() + 5000);
    const sut = verifyReceipt(unanchored, bundle, verifyEd25519Node, { now });
    expect(sut).toMatchObject({ ok: false, verdict: 'unanchored', summary: { keyJudgedAt: now.toISOString() } });
    expect(sut.failure).toBeUndefined();
    expect(sut.quorum).toBeUndefined();
    expect(sut.checks.map((check) => check.id)).toEqual(['format', 'entry-signature', 'entry-data', 'key-now']);
    const revoked = bundleWith((key) => (key.revokedAt = iso(1)));
    expect(verifyReceipt(unanchored, revoked, verifyEd25519Node, { now }).failure).toMatchObject({
      id: 'key-now',
      reason: expect.stringMatching(/was revoked at .*, and the record was not yet anchored at/),
    });
  });
});

describe('verifyLedgerExport: each entry judged at its first covering anchor (issue #24)', () => {
  const now = new Date(ENTRY_TIME.getTime() + 7200 * 1000);

  it('a key retired between the first anchor and the latest: the whole export still verifies', async () => {
    const { exportLines, bundleWith } = await testReceiptAcrossAnchors(TIMES);
    // Entries 1–2 first anchored at 10:00:30 (key time), 3–4 at 11:00:02: retired at 10:10 with an hour's grace.
    const sut = verifyLedgerExport(
      exportLines,
      bundleWith((key) => (key.validUntil = iso(600)), 3600),
      verifyEd25519Node,
      undefined,
      { now },
    );
    expect(sut.failure).toBeUndefined();
    expect(sut).toMatchObject({ verdict: 'valid', entries: 4, anchors: 2, unanchoredTail: 0 });
    // Without the grace, entry 3 (first anchored at 11:00:02) fails where entries 1–2 passed.
    const strict = verifyLedgerExport(
      exportLines,
      bundleWith((key) => (key.validUntil = iso(600)), 0),
      verifyEd25519Node,
      undefined,
      { now },
    );
    expect(strict.failure).toMatchObject({
      id: 'keys-at-anchor',
      at: 'entry 3',
      reason: expect.stringMatching(/retired at .*first anchored at 2026-06-01T11:00:02\.000Z/),
    });
  });

  it('a key revoked before an entry’s first anchor: invalid at that entry', async () => {
    const { exportLines, bundleWith } = await testReceiptAcrossAnchors(TIMES);
    const sut = verifyLedgerExport(
      exportLines,
      bundleWith((key) => (key.revokedAt = iso(0.5))),
      verifyEd25519Node,
      undefined,
      { now },
    );
    expect(sut.failure).toMatchObject({
      id: 'keys-at-anchor',
      at: 'entry 1',
      reason: expect.stringMatching(/revoked/),
    });
  });

  it('entries after the last anchor are judged by the bundle as of now', async () => {
    const { exportLines, bundle, bundleWith } = await testReceiptAcrossAnchors({
      firstAnchor: TIMES.firstAnchor,
      firstWitnesses: TIMES.firstWitnesses,
    });
    expect(verifyLedgerExport(exportLines, bundle, verifyEd25519Node, undefined, { now })).toMatchObject({
      verdict: 'valid',
      unanchoredTail: 2,
    });
    const retired = bundleWith((key) => (key.validUntil = iso(600)), 60);
    expect(verifyLedgerExport(exportLines, retired, verifyEd25519Node, undefined, { now }).failure).toMatchObject({
      id: 'key-now',
      at: 'entry 3',
    });
  });
});

describe('verifyReceipt: a compromise revocation keeps the honest history (issue #24)', () => {
  it('an entry the department vouched for verifies although its key was revoked before the entry was first anchored', async () => {
    const { receipt, bundleWith } = await testReceiptAcrossAnchors(TIMES);
    const seq = Number(receipt.entry.envelope.seq);
    const vouched = bundleWith((key) => {
      key.revokedAt = iso(0.5);
      key.revocationReason = 'stolen';
      key.compromise = [
        { chain: 'land', size: seq - 1, root: '00'.repeat(32), legitimate: [receipt.entry.envelope.hash] },
      ];
    });
    expect(verifyReceipt(receipt, vouched, verifyEd25519Node)).toMatchObject({ ok: true, verdict: 'valid' });
  });

  it('one it did not vouch for is refused, although it was first anchored before the revocation', async () => {
    const { receipt, bundleWith } = await testReceiptAcrossAnchors(TIMES);
    const seq = Number(receipt.entry.envelope.seq);
    const unvouched = bundleWith((key) => {
      key.revokedAt = iso(3000);
      key.revocationReason = 'stolen';
      key.compromise = [{ chain: 'land', size: seq - 1, root: '00'.repeat(32), legitimate: [] }];
    });
    expect(verifyReceipt(receipt, unvouched, verifyEd25519Node)).toMatchObject({
      ok: false,
      verdict: 'invalid',
      failure: {
        id: 'keys-at-anchor',
        reason: `PROTOCOL.KEY_REVOKED: keyid: key 'land-key-1' was revoked as compromised; land vouched up to ${seq - 1} and 0 legitimate entries after it, not entry ${seq} (${receipt.entry.envelope.hash})`,
      },
    });
  });
});
