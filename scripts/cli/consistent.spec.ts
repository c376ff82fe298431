import { consistencyProof } from '@registry-bus/merkle';
import { toHex } from '@registry-bus/protocol';
import type { LedgerExportLine, ReceiptEntry } from '@registry-bus/receipts';

import {
  checkConsistent,
  consistencyAnswer,
  exportView,
  needsProof,
  olderAndNewer,
  receiptView,
  type ConsistencyAnswer,
} from './consistent.js';
import { anchoredReceipt, entryHashes, ledgerExport, rootOfFirst, sealedChain } from './consistent-fixture.js';
import { readLedgerExport } from './read-inputs.js';

const exported = (entries: ReceiptEntry[], file: string) =>
  exportView(readLedgerExport(ledgerExport(entries), file), file);

describe('consistent: is the older tree a prefix of the newer', () => {
  const chain = sealedChain(12);
  const answerFor = (from: number, to: number): ConsistencyAnswer => ({
    chain: 'land',
    from,
    to,
    fromRoot: rootOfFirst(chain, from),
    toRoot: rootOfFirst(chain, to),
    proof: consistencyProof(entryHashes(chain.slice(0, to)), from).map(toHex),
  });

  it('reads a receipt as the tree its anchor names', () => {
    const sut = receiptView(anchoredReceipt(chain, 2, 5), 'a.json');
    expect(sut).toEqual({ file: 'a.json', chain: 'land', size: 5, root: rootOfFirst(chain, 5) });
  });

  it('reads an export as the tree of its entries', () => {
    const sut = exported(chain.slice(0, 4), 'a.jsonl');
    expect(sut).toEqual({
      file: 'a.jsonl',
      chain: 'land',
      size: 4,
      root: rootOfFirst(chain, 4),
      entryHashes: chain.slice(0, 4).map((entry) => entry.envelope.hash),
    });
  });

  it('accepts an export that is the first entries of a longer one, without a proof', () => {
    const [older, newer] = olderAndNewer(exported(chain, 'b.jsonl'), exported(chain.slice(0, 5), 'a.jsonl'));
    expect(needsProof(older, newer)).toBe(false);
    expect(checkConsistent(older, newer)).toEqual({ consistent: true, chain: 'land', from: 5, to: 12 });
  });

  it('names the first entry a longer export rewrote', () => {
    const rewritten = sealedChain(12, 3);
    rewritten.splice(0, 2, ...chain.slice(0, 2));
    // Entries 1 and 2 are shared; from 3 on the longer export tells another history.
    const sut = checkConsistent(exported(chain.slice(0, 5), 'a.jsonl'), exported(rewritten, 'b.jsonl'));
    expect(sut).toEqual({
      consistent: false,
      chain: 'land',
      from: 5,
      to: 12,
      reason: `entry 3 differs: a.jsonl has ${chain[2]!.envelope.hash}, b.jsonl has ${rewritten[2]!.envelope.hash}`,
    });
  });

  it('holds a receipt to the first entries of a longer export', () => {
    const forged = anchoredReceipt(chain, 2, 4, '00'.repeat(32));
    const sut = checkConsistent(receiptView(forged, 'r.json'), exported(chain, 'b.jsonl'));
    expect(sut).toEqual({
      consistent: false,
      chain: 'land',
      from: 4,
      to: 12,
      reason: `the first 4 entries of b.jsonl have root ${rootOfFirst(chain, 4)}, r.json states ${'00'.repeat(32)}`,
    });
  });

  it('accepts two receipts with the ledger’s proof from 5 to 12', () => {
    const older = receiptView(anchoredReceipt(chain, 2, 5), 'a.json');
    const newer = receiptView(anchoredReceipt(chain, 9, 12), 'b.json');
    expect(needsProof(older, newer)).toBe(true);
    expect(checkConsistent(older, newer, answerFor(5, 12))).toEqual({
      consistent: true,
      chain: 'land',
      from: 5,
      to: 12,
    });
  });

  it('refuses a tampered proof', () => {
    const answer = answerFor(5, 12);
    answer.proof[1] = `${answer.proof[1]!.slice(0, -1)}${answer.proof[1]!.endsWith('0') ? '1' : '0'}`;
    const sut = checkConsistent(
      receiptView(anchoredReceipt(chain, 2, 5), 'a.json'),
      receiptView(anchoredReceipt(chain, 9, 12), 'b.json'),
      answer,
    );
    expect(sut).toEqual({
      consistent: false,
      chain: 'land',
      from: 5,
      to: 12,
      reason: 'the proof does not lead from the root at 5 to the root at 12',
    });
  });

  it('refuses a proof whose root at the older size is not the receipt’s', () => {
    const answer = { ...answerFor(5, 12), fromRoot: rootOfFirst(chain, 6) };
    const sut = checkConsistent(
      receiptView(anchoredReceipt(chain, 2, 5), 'a.json'),
      receiptView(anchoredReceipt(chain, 9, 12), 'b.json'),
      answer,
    );
    expect(sut).toEqual({
      consistent: false,
      chain: 'land',
      from: 5,
      to: 12,
      reason: `the ledger's root at 5 is ${rootOfFirst(chain, 6)}, a.json states ${rootOfFirst(chain, 5)}`,
    });
  });

  it('refuses a receipt whose root the proof does not lead to, although the proof is the ledger’s', () => {
    const forged = anchoredReceipt(chain, 2, 5, rootOfFirst(chain, 4));
    const answer = { ...answerFor(5, 12), fromRoot: rootOfFirst(chain, 4) };
    const sut = checkConsistent(
      receiptView(forged, 'a.json'),
      receiptView(anchoredReceipt(chain, 9, 12), 'b.json'),
      answer,
    );
    expect(sut).toMatchObject({
      consistent: false,
      reason: 'the proof does not lead from the root at 5 to the root at 12',
    });
  });

  it('compares two receipts of one size by their roots', () => {
    const sut = checkConsistent(
      receiptView(anchoredReceipt(chain, 2, 5), 'a.json'),
      receiptView(anchoredReceipt(chain, 3, 5, rootOfFirst(sealedChain(5), 5)), 'b.json'),
    );
    expect(sut).toMatchObject({ consistent: false, from: 5, to: 5 });
    expect((sut as { reason: string }).reason).toMatch(
      /^both trees have 5 entries, but a\.json states root [0-9a-f]{64}, b\.json [0-9a-f]{64}$/,
    );
  });

  it('cannot judge two receipts without a proof, nor with one for other sizes', () => {
    const older = receiptView(anchoredReceipt(chain, 2, 5), 'a.json');
    const newer = receiptView(anchoredReceipt(chain, 9, 12), 'b.json');
    expect(() => checkConsistent(older, newer)).toThrow(
      'b.json lists no entries: a consistency proof is needed (--proof or --from)',
    );
    expect(() => checkConsistent(older, newer, answerFor(4, 12))).toThrow(
      "the proof is of chain 'land' from 4 to 12, not of 'land' from 5 to 12",
    );
  });

  it('refuses files of two chains, and a route answer of another shape', () => {
    const other = { ...exported(chain, 'b.jsonl'), chain: 'credit' };
    expect(() => olderAndNewer(exported(chain, 'a.jsonl'), other)).toThrow(
      "a.jsonl is of chain 'land', b.jsonl of chain 'credit'",
    );
    expect(() => consistencyAnswer({ ...answerFor(5, 12), proof: ['zz'] }, 'p.json')).toThrow(
      'p.json is not a consistency proof ({ chain, from, to, fromRoot, toRoot, proof })',
    );
  });

  it('refuses an export cut short of the entries its header counts', () => {
    const lines = readLedgerExport(ledgerExport(chain.slice(0, 4)), 'a.jsonl').filter(
      (line: LedgerExportLine, i) => i !== 4,
    );
    expect(() => exportView(lines, 'a.jsonl')).toThrow('a.jsonl: the header counts 4 entries, the file holds 3');
  });
});
