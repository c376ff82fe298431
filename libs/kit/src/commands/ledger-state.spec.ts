import type { StoredEntry } from '@registry-bus/ledger';
import { canonicalize, utf8 } from '@registry-bus/protocol';

import { foldEntries, stateDisagreement, type CheckedAggregate } from './ledger-state.js';

interface Counter {
  count: number;
  lastSeq?: number;
}

const counter: CheckedAggregate<Counter> = {
  name: 'counter',
  eventTypes: ['gov.test.counter.*'],
  decider: {
    initialState: { count: 0 },
    decide: () => [],
    evolve: (state, event) => ({ ...state, count: state.count + Number((event.data as { by: string }).by) }),
  },
  positioned: (state, entry) => ({ ...state, lastSeq: entry.seq }),
};

const entry = (seq: number, type: string, by?: string): StoredEntry => ({
  chain: 'test',
  seq,
  id: `id-${seq}`,
  type,
  subject: 'c-1',
  time: new Date(0),
  hash: new Uint8Array(32),
  envelope: new Uint8Array(0),
  sig: new Uint8Array(0),
  keyid: 'test-1',
  ...(by === undefined
    ? {}
    : { disclosure: utf8(canonicalize({ fields: { by }, salts: { by: 'A'.repeat(22) }, withheld: {} })) }),
});

const entries = [
  entry(1, 'gov.test.counter.added.v1', '2'),
  entry(2, 'gov.test.other.noted.v1', '100'),
  entry(3, 'gov.test.counter.added.v1', '3'),
];

describe('a state held to the ledger', () => {
  it('folds the subject’s entries of the aggregate’s types, with the position each leaves', () => {
    expect(foldEntries(counter, entries)).toEqual({
      state: { count: 5, lastSeq: 3 },
      position: { chain: 'test', seq: 3 },
    });
  });

  it('agrees with the state its entries give', () => {
    const sut = stateDisagreement(
      counter,
      'c-1',
      { state: { count: 5, lastSeq: 3 }, position: { chain: 'test', seq: 3 } },
      entries,
    );
    expect(sut).toBeUndefined();
  });

  it('names a state rewritten at its own position', () => {
    const sut = stateDisagreement(
      counter,
      'c-1',
      { state: { count: 50, lastSeq: 3 }, position: { chain: 'test', seq: 3 } },
      entries,
    );
    expect(sut).toBe('the state of counter c-1 at test seq 3 is not what its entries give (count differ)');
  });

  it('names a state set back to an earlier position', () => {
    const sut = stateDisagreement(
      counter,
      'c-1',
      { state: { count: 2, lastSeq: 1 }, position: { chain: 'test', seq: 1 } },
      entries,
    );
    expect(sut).toBe('the state of counter c-1 stands at test seq 1, but its last entry in the ledger is test seq 3');
  });

  it('names a state no entry records, and a missing state of a subject that has entries', () => {
    expect(stateDisagreement(counter, 'c-1', { state: { count: 1 }, position: { chain: 'test', seq: 9 } }, [])).toBe(
      'the state of counter c-1 names test seq 9, but the ledger has no entry of it',
    );
    expect(stateDisagreement(counter, 'c-1', undefined, entries)).toBe(
      'no state of counter c-1 is stored, but the ledger has its entries up to test seq 3',
    );
    expect(stateDisagreement(counter, 'c-1', undefined, [])).toBeUndefined();
  });

  it('holds an aggregate without event types to its initial state at an entry of its subject', () => {
    const record: CheckedAggregate<null> = {
      name: 'alarm',
      decider: { initialState: null, decide: () => [], evolve: (state) => state },
    };
    expect(stateDisagreement(record, 'c-1', { state: null, position: { chain: 'test', seq: 2 } }, entries)).toBe(
      undefined,
    );
    expect(stateDisagreement(record, 'c-1', { state: { x: 1 }, position: { chain: 'test', seq: 2 } }, entries)).toBe(
      'the state of alarm c-1 is {"x":1}; its entries never change it from null',
    );
    expect(stateDisagreement(record, 'c-1', { state: null, position: { chain: 'test', seq: 7 } }, entries)).toBe(
      'the state of alarm c-1 names test seq 7, which is no entry of c-1 in the ledger',
    );
  });
});
