import type { SignedHead } from '@registry-bus/ledger';

import { shorterLedgerVerdict } from './head-evidence.js';

const head = (treeSize: number, time: string, chain = 'land'): SignedHead => ({
  chain,
  seq: treeSize,
  hash: 'ab'.repeat(32),
  treeSize,
  root: 'cd'.repeat(32),
  time,
  keyid: 'land-key-1',
  sig: 'c2ln',
});
const published = { time: '2026-05-01T10:00:00.000Z' };

describe('whether a 404 for a published size is evidence of a removed tail', () => {
  it('is an alarm when the department signed, after signing entry N, a head shorter than N — with the head', () => {
    const current = head(7, '2026-05-01T10:05:00.000Z');
    const sut = shorterLedgerVerdict('land', 10, published, current);
    expect(sut).toEqual({
      kind: 'alarm',
      detail: `land published 10 entries, which the notary holds (entry 10 signed at 2026-05-01T10:00:00.000Z), but signed a head of 7 entries at 2026-05-01T10:05:00.000Z: its tail was removed. The signed head: ${JSON.stringify(current)}`,
    });
  });

  it('is no alarm when the signed head has the size the 404 denied (the 404 is unsigned: a proxy or a forger)', () => {
    expect(shorterLedgerVerdict('land', 10, published, head(12, '2026-05-01T10:05:00.000Z'))).toEqual({
      kind: 'unchecked',
      reason: 'not-found-unsigned',
      why: "an unsigned 404 for 10 entries, while land's signed head says 12: not evidence of anything",
    });
    expect(shorterLedgerVerdict('land', 10, published, head(10, '2026-05-01T10:05:00.000Z')).kind).toBe('unchecked');
  });

  it('is no alarm for a shorter head signed before entry N was (an old head replayed)', () => {
    expect(shorterLedgerVerdict('land', 10, published, head(7, '2026-05-01T09:59:59.999Z'))).toEqual({
      kind: 'unchecked',
      reason: 'stale-head',
      why: 'the signed head of 7 entries is from 2026-05-01T09:59:59.999Z, before land signed entry 10 (2026-05-01T10:00:00.000Z): an old head, perhaps replayed',
    });
  });

  it('is no alarm for the head of another chain', () => {
    expect(shorterLedgerVerdict('land/1', 10, published, head(3, '2026-05-01T10:05:00.000Z', 'land/2'))).toMatchObject({
      kind: 'unchecked',
      reason: 'bad-answer',
    });
  });
});
