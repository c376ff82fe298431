import { chainDestination, chainOf, ledgerTopic } from './topic-names.js';

describe('topic names', () => {
  it('puts an unsharded chain on partition 0 of its department ledger topic', () => {
    expect(chainDestination('land')).toEqual({ department: 'land', topic: 'gov.land.ledger.v2', partition: 0 });
  });

  it('puts shard n on partition n', () => {
    expect(chainDestination('credit/3')).toEqual({ department: 'credit', topic: 'gov.credit.ledger.v2', partition: 3 });
  });

  it('refuses what is not a chain id', () => {
    expect(() => chainDestination('Land/x')).toThrow(/not a chain id/);
  });

  it('puts every topic of a namespace under its prefix', () => {
    expect(chainDestination('land', 'run-1.')).toEqual({
      department: 'land',
      topic: 'run-1.gov.land.ledger.v2',
      partition: 0,
    });
    expect(chainOf('run-1.gov.land.ledger.v2', 0, false, 'run-1.')).toBe('land');
    expect(() => chainOf('gov.land.ledger.v2', 0, false, 'run-1.')).toThrow(/outside namespace/);
  });

  it('maps a ledger topic and partition back to its chain', () => {
    expect(chainOf(ledgerTopic('court'), 0)).toBe('court');
    expect(chainOf(ledgerTopic('court'), 2, true)).toBe('court/2');
    expect(() => chainOf('gov.court.quarantine', 0)).toThrow(/not a ledger topic/);
  });
});
