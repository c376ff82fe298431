import { ledgerNotBehindTopic } from './topic-ahead-guard.js';

const base = { department: 'land', topic: 'land.ledger', partition: 0, recoveringFromTopic: false };

describe('the ledger against what its topic holds', () => {
  it('lets a ledger start that holds every entry of its topic', () => {
    expect(ledgerNotBehindTopic({ ...base, chain: 'land', head: 7, lastSeqOnTopic: 7 })).toEqual({ ok: true });
  });

  it('refuses a ledger behind its topic, naming the way out', () => {
    expect(ledgerNotBehindTopic({ ...base, chain: 'land', head: 3, lastSeqOnTopic: 7 })).toEqual({
      ok: false,
      reason:
        'the ledger of land ends at entry 3 but its topic land.ledger holds entries up to 7: its database was lost or ' +
        'restored from an older backup. Writing now would fork its history. Rebuild it from the topic: start with ' +
        'LEDGER_RECOVERY=from-topic (npm run recover -- land); README, "Recovery"',
    });
  });

  it('names the chain and partition of a shard behind its partition', () => {
    expect(ledgerNotBehindTopic({ ...base, chain: 'land/1', partition: 1, head: 0, lastSeqOnTopic: 2 })).toEqual({
      ok: false,
      reason:
        'the chain land/1 of the ledger of land ends at entry 0 but partition 1 of land.ledger holds entries up to 2: ' +
        'its database was lost or restored from an older backup. Writing now would fork its history. Rebuild it from ' +
        'the topic: start with LEDGER_RECOVERY=from-topic (npm run recover -- land); README, "Recovery"',
    });
  });

  it('lets a start that rebuilds from the topic go on', () => {
    const sut = ledgerNotBehindTopic({ ...base, chain: 'land', head: 3, lastSeqOnTopic: 7, recoveringFromTopic: true });
    expect(sut).toEqual({ ok: true });
  });
});
