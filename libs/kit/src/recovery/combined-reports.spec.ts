import { combinedCheck, type SourceCheck } from './check-source.js';
import { combinedReport, type RecoveryReport } from './recover-ledger.js';

const report = (chain: string, head: number, notarySeq: number): RecoveryReport => ({
  department: 'land',
  chain,
  source: `topic gov.land.ledger.v2 partition ${chain.slice(-1)}`,
  before: 0,
  restored: head,
  head,
  records: head + 1,
  duplicates: 1,
  idempotencyKeys: 2,
  dataMissing: [{ seq: 3, type: 'gov.land.parcel.registered.v1' }],
  anchors: { checked: 2, latest: { notarySeq, treeSize: head, anchoredAt: '2026-11-29T00:00:00Z', witnessedBy: [] } },
  projections: { parcel: head, 'access-grant': chain.endsWith('/0') ? 1 : 0 },
  unclaimedTypes: { 'gov.land.witness.cosigned.v1': 1 },
  ms: 10,
});

const check = (chain: string, ok: boolean): SourceCheck => ({
  chain,
  source: `topic ${chain}`,
  head: 5,
  records: 5,
  covered: ok ? 5 : 4,
  missing: { count: ok ? 0 : 1, first: ok ? [] : [5] },
  mismatched: [],
  dataMissing: 0,
  idempotencyKeys: 1,
  ok,
  ms: 3,
});

describe('a sharded ledger’s recovery report and copy check', () => {
  it('sums the shards, names the chain of each missing datum, and keeps the latest anchor of any shard', () => {
    const combined = combinedReport('land', [report('land/0', 7, 40), report('land/1', 5, 42)]);
    expect(combined).toMatchObject({ head: 12, restored: 12, records: 14, duplicates: 2, idempotencyKeys: 4, ms: 20 });
    expect(combined.anchors).toEqual({ checked: 4, latest: expect.objectContaining({ notarySeq: 42 }) });
    expect(combined.dataMissing.map((missing) => missing.chain)).toEqual(['land/0', 'land/1']);
    expect(combined.projections).toEqual({ parcel: 12, 'access-grant': 1 });
    expect(combined.shards?.map((shard) => shard.chain)).toEqual(['land/0', 'land/1']);
  });

  it('is ok only when every shard is', () => {
    expect(combinedCheck('land', [check('land/0', true), check('land/1', true)]).ok).toBe(true);
    const failed = combinedCheck('land', [check('land/0', true), check('land/1', false)]);
    expect(failed).toMatchObject({ ok: false, covered: 9, missing: { count: 1 } });
  });
});
