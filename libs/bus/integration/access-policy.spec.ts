import { GrantPolicy } from '@registry-bus/access';
import {
  receivedGrantEntries,
  ConsumerPipeline,
  ledgerTopic,
  protocolVerifier,
  type ConsumedEvent,
  type IncomingRecord,
  type PipelineOutcome,
} from '@registry-bus/bus';
import {
  EventTypeRegistry,
  controlEventTypes,
  defineEventType,
  encodeRecord,
  nodeSigner,
  sealEntrySync,
  testSigner,
  testTrustBundle,
  type InProcessSigner,
} from '@registry-bus/protocol';
import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { z } from 'zod';

import { departmentDatabase } from '../../ledger/integration/ledger-fixture.js';

/** Owners d0…d199 (a fresh one per property run, shrinking included), the grantee `credit`, and a forger. */
const OWNERS = Array.from({ length: 200 }, (_, i) => `d${i}`);
const signers = Object.fromEntries(OWNERS.map((owner) => [owner, testSigner(owner, 'key-1', nodeSigner)]));
const creditSigner = testSigner('credit', 'key-1', nodeSigner);
const bundle = testTrustBundle({
  ...Object.fromEntries(OWNERS.map((o) => [o, [signers[o]!]])),
  credit: [creditSigner],
});

/** Ten event types per owner, each with the same three fields. */
const TYPES = ['parcel', 'pledge', 'judgment', 'diploma', 'bond'].flatMap((aggregate) =>
  ['made', 'ended'].map((event) => `${aggregate}.${event}`),
);
const FIELDS = ['a', 'b', 'c'] as const;
const registry = new EventTypeRegistry(
  OWNERS.flatMap((owner) => [
    ...controlEventTypes(owner),
    ...TYPES.map((type) =>
      defineEventType({
        type: `gov.${owner}.${type}.v1`,
        schema: z.strictObject({ a: z.string(), b: z.string(), c: z.string() }),
        publicFields: ['a'],
        personalFields: ['b', 'c'],
      }),
    ),
  ]),
);

/** An owner's chain written by the test, record by record. */
class OwnerChain {
  private seq = 0;
  private prevhash: Uint8Array = new Uint8Array(32);
  constructor(
    readonly owner: string,
    private readonly signer: InProcessSigner = signers[owner]!,
    private readonly chain = owner,
  ) {}

  record(type: string, data: Record<string, unknown>, time = new Date('2026-06-01T00:00:00Z')): IncomingRecord {
    const sealed = sealEntrySync(
      { chain: this.chain, seq: ++this.seq, prevhash: this.prevhash, type, subject: 's', data, actor: 'clerk:1', time },
      this.signer,
    );
    this.prevhash = sealed.hash;
    const encoded = encodeRecord(sealed.envelope, sealed.disclosure);
    return {
      topic: ledgerTopic(this.chain),
      partition: 0,
      offset: String(this.seq),
      key: 's',
      value: encoded.value,
      headers: {},
    };
  }

  grant(grantId: string, eventTypes: string[], fields: '*' | string[], extra: Record<string, string> = {}) {
    return this.record(`gov.${this.owner}.access.grant-issued.v1`, {
      grantId,
      grantee: 'credit',
      eventTypes,
      fields,
      purpose: 'test',
      validFrom: '2026-01-01T00:00:00Z',
      ...extra,
    });
  }

  revoke(grantId: string) {
    return this.record(`gov.${this.owner}.access.grant-revoked.v1`, { grantId, reason: 'test' });
  }

  event(type: string, n: number) {
    return this.record(`gov.${this.owner}.${type}.v1`, { a: `a${n}`, b: `b${n}`, c: `c${n}` });
  }
}

describe('access policy: what a consumer gets is exactly what the owner granted', () => {
  let writer: DataSource;
  let pipeline: ConsumerPipeline;
  let policy: GrantPolicy;
  const handled: ConsumedEvent[] = [];

  const stored = async (chain: string) => {
    const rows: Array<{ seq: string; disclosure: Buffer }> = await writer.query(
      'SELECT seq, disclosure FROM received_entry_data WHERE source_chain = $1 ORDER BY seq',
      [chain],
    );
    return new Map(
      rows.map((row) => [
        Number(row.seq),
        Object.keys((JSON.parse(row.disclosure.toString()) as { fields: object }).fields).sort(),
      ]),
    );
  };
  const apply = async (records: IncomingRecord[]) => {
    const outcomes: PipelineOutcome[] = [];
    for (const record of records) outcomes.push(await pipeline.process(record));
    return outcomes;
  };

  beforeAll(async () => {
    ({ writer } = await departmentDatabase('access'));
    policy = new GrantPolicy('credit', (type) => registry.isControl(type));
    pipeline = new ConsumerPipeline({
      dataSource: writer,
      verifier: protocolVerifier({ trustBundle: () => bundle, registry }),
      handlers: [{ types: ['gov.*'], handle: async (event) => void handled.push(event) }],
      policy,
    });
  });

  afterAll(() => writer.destroy());

  it('stores exactly the granted events with exactly the granted fields (1,000 events of 10 types)', async () => {
    const chain = new OwnerChain('d0');
    const records = [
      chain.grant('g-all', ['gov.d0.parcel.*'], '*'),
      chain.grant('g-ab', ['gov.d0.pledge.made.v1'], ['a', 'b']),
      chain.grant('g-c', ['gov.d0.pledge.*'], ['c']),
      chain.grant('g-a', ['gov.d0.judgment.made.v1'], ['a']),
    ];
    const expected = new Map<number, string[]>();
    for (let n = 0; n < 1000; n++) {
      const type = TYPES[n % TYPES.length]!;
      records.push(chain.event(type, n));
      const seq = records.length;
      if (type.startsWith('parcel.')) expected.set(seq, ['a', 'b', 'c']);
      else if (type === 'pledge.made') expected.set(seq, ['a', 'b', 'c']);
      else if (type === 'pledge.ended') expected.set(seq, ['c']);
      else if (type === 'judgment.made') expected.set(seq, ['a']);
    }
    const outcomes = await apply(records);
    expect(outcomes.every((o) => o.kind === 'applied')).toBe(true);
    const kept = await stored('d0');
    for (const seq of [1, 2, 3, 4]) kept.delete(seq); // the grants themselves: control entries, always kept
    expect(kept).toEqual(expected);
    // The chain advanced through every entry; denied ones kept their envelope only.
    expect(await writer.query(`SELECT count(*)::int AS n FROM received_entry WHERE source_chain = 'd0'`)).toEqual([
      { n: 1004 },
    ]);
    const audit: Array<{ decision: string; n: number }> = await writer.query(
      `SELECT decision, count(*)::int AS n FROM access_audit WHERE source_chain = 'd0' GROUP BY decision ORDER BY decision`,
    );
    expect(audit).toEqual([
      { decision: 'denied', n: 500 },
      { decision: 'redacted', n: 200 },
    ]);
    const [redaction] = await writer.query(
      `SELECT removed_fields, grant_ids FROM access_audit WHERE source_chain = 'd0' AND event_type = 'gov.d0.pledge.ended.v1' LIMIT 1`,
    );
    expect(redaction).toEqual({ removed_fields: ['a', 'b'], grant_ids: ['g-c'] });
  });

  it('starts and stops a grant exactly at its position in the owner’s stream', async () => {
    const chain = new OwnerChain('d1');
    await apply([chain.event('bond.made', 1), chain.event('bond.made', 2)]);
    await apply([chain.grant('g-1', ['gov.d1.bond.*'], '*'), chain.event('bond.made', 4), chain.event('bond.made', 5)]);
    await apply([chain.revoke('g-1'), chain.event('bond.made', 7)]);
    expect([...(await stored('d1')).keys()]).toEqual([3, 4, 5, 6]);
    // A restarted consumer rebuilds the same policy from what it kept.
    const rebuilt = new GrantPolicy('credit', (type) => registry.isControl(type));
    rebuilt.load(await receivedGrantEntries(writer));
    expect(rebuilt.received()).toEqual(policy.received());
    expect(rebuilt.received().find((g) => g.grantId === 'g-1')).toMatchObject({ owner: 'd1', revoked: { seq: 6 } });
  });

  it('rejects a grant forged by a department that does not own the data', async () => {
    const owner = new OwnerChain('d2');
    await apply([owner.event('bond.made', 1)]);
    // credit signs an entry on d2's chain granting itself everything: the signature does not verify under d2's keys.
    const forger = new OwnerChain('d2', creditSigner);
    forger['seq'] = 1;
    forger['prevhash'] = (
      await writer.query(`SELECT hash FROM received_entry WHERE source_chain = 'd2' AND seq = 1`)
    )[0].hash as Uint8Array;
    const [forged] = await apply([forger.grant('g-forged', ['gov.d2.*'], '*')]);
    expect(forged).toMatchObject({ kind: 'quarantined' });
    expect(policy.received().some((grant) => grant.grantId === 'g-forged')).toBe(false);
    // Nor can a department grant on its own chain what belongs to another: the type must be the source's.
    const own = new OwnerChain('credit', creditSigner);
    expect(() => own.record('gov.d2.access.grant-issued.v1', {})).toThrow(/type/);
  });

  it('never lets anything outside the grants reach a handler or the database (property, fast-check)', async () => {
    const typeArb = fc.constantFrom(...TYPES);
    const patternArb = fc.oneof(
      typeArb.map((type) => ({ pattern: `${type}.v1` })),
      typeArb.map((type) => ({ pattern: `${type.split('.')[0]}.*` })),
    );
    const step = fc.oneof(
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('grant' as const),
          pattern: patternArb,
          fields: fc.oneof(fc.constant('*' as const), fc.subarray([...FIELDS], { minLength: 1 })),
        }),
      },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), which: fc.nat(20) }) },
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('event' as const), type: typeArb }) },
    );
    let run = 10;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 40 }), async (steps) => {
        const owner = `d${run++}`;
        const chain = new OwnerChain(owner);
        // The oracle: a naive replay of the grants, written independently of GrantBook.
        const grants: Array<{ id: string; pattern: string; fields: '*' | string[]; active: boolean }> = [];
        const expected = new Map<number, string[]>();
        const records: IncomingRecord[] = [];
        handled.length = 0;
        for (const [i, s] of steps.entries()) {
          if (s.kind === 'grant') {
            const id = `g${i}`;
            const pattern = `gov.${owner}.${s.pattern.pattern}`;
            grants.push({ id, pattern, fields: s.fields, active: true });
            records.push(chain.grant(id, [pattern], s.fields));
          } else if (s.kind === 'revoke' && grants.length > 0) {
            const grant = grants[s.which % grants.length]!;
            grant.active = false;
            records.push(chain.revoke(grant.id));
          } else if (s.kind === 'event') {
            const type = `gov.${owner}.${s.type}.v1`;
            records.push(chain.event(s.type, i));
            const covering = grants.filter(
              (g) =>
                g.active && (g.pattern.endsWith('*') ? type.startsWith(g.pattern.slice(0, -1)) : g.pattern === type),
            );
            if (covering.length > 0) {
              const fields = covering.some((g) => g.fields === '*')
                ? [...FIELDS]
                : [...new Set(covering.flatMap((g) => g.fields as string[]))].sort();
              expected.set(records.length, fields);
            }
          }
        }
        await apply(records);
        const kept = await stored(owner);
        const controlSeqs = new Set(records.map((_, i) => i + 1).filter((seq) => !expected.has(seq) && kept.has(seq)));
        for (const seq of controlSeqs) kept.delete(seq);
        expect(kept).toEqual(expected);
        for (const event of handled.filter((e) => !registry.isControl(e.type))) {
          expect(Object.keys(event.data).sort()).toEqual(expected.get(event.entry.seq));
        }
        // The chain is whole: every entry's envelope was kept and linked.
        expect(
          await writer.query('SELECT count(*)::int AS n FROM received_entry WHERE source_chain = $1', [owner]),
        ).toEqual([{ n: records.length }]);
      }),
      { numRuns: 25 },
    );
  });
});
