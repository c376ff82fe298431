import { GENESIS_PREVHASH, protocolSealer, type StoredEntry } from '@registry-bus/ledger';
import { testSigner, testTrustBundle } from '@registry-bus/protocol';

import { decideToken, evolveToken, type TokenState } from './token-aggregate.js';
import { foldTokenEntries, readTokenEntry, tokenDisagreement, type TokenEntry, type TokenRow } from './token-ledger.js';

const TOKEN = '0b5d3c1e-4f7a-4c2b-9d8e-1a2b3c4d5e6f';
const HASH = 'ab'.repeat(32);
const landKey = testSigner('land');
const bundle = testTrustBundle({ land: [landKey], credit: [testSigner('credit')] });

const issuedData = {
  tokenId: TOKEN,
  tokenHash: HASH,
  operator: 'admin:land-1',
  role: 'admin',
  expiresAt: '2026-03-01T00:00:00.000Z',
};
const entry = (seq: number, type: string, data: Record<string, unknown>, actor = 'admin:root'): TokenEntry => ({
  chain: 'land',
  seq,
  type,
  subject: TOKEN,
  time: new Date(`2026-02-0${seq}T00:00:00.000Z`),
  actor,
  data,
});
const issued = entry(1, 'gov.land.operator.token-issued.v1', issuedData);
const revoked = entry(4, 'gov.land.operator.token-revoked.v1', { tokenId: TOKEN }, 'admin:other');

const row: TokenRow = {
  id: TOKEN,
  tokenHash: HASH,
  operator: 'admin:land-1',
  role: 'admin',
  scope: null,
  expiresAt: new Date('2026-03-01T00:00:00.000Z'),
  revokedAt: null,
  position: { chain: 'land', seq: 1 },
};

async function sealed(
  data: Record<string, unknown>,
  signer = landKey,
  type = 'gov.land.operator.token-issued.v1',
): Promise<StoredEntry> {
  return protocolSealer(signer)(
    { type, subject: TOKEN, data, actor: 'npm start' },
    { chain: 'land', seq: 1, prevhash: GENESIS_PREVHASH, time: new Date('2026-02-01T00:00:00.000Z') },
  );
}

describe('an operator token folded from its entries', () => {
  it('is what its issue entry says, issued by its actor at its time', () => {
    expect(foldTokenEntries('land', TOKEN, [issued])).toEqual({
      token: {
        id: TOKEN,
        tokenHash: HASH,
        operator: 'admin:land-1',
        role: 'admin',
        scope: null,
        expiresAt: new Date('2026-03-01T00:00:00.000Z'),
        issuedAt: new Date('2026-02-01T00:00:00.000Z'),
        issuedBy: 'admin:root',
        revokedAt: null,
        revokedBy: null,
        position: { chain: 'land', seq: 1 },
      },
    });
  });

  it('stays revoked from its revocation entry on, standing at that entry', () => {
    const sut = foldTokenEntries('land', TOKEN, [issued, revoked]).token;
    expect(sut).toMatchObject({
      revokedAt: new Date('2026-02-04T00:00:00.000Z'),
      revokedBy: 'admin:other',
      position: { chain: 'land', seq: 4 },
    });
  });

  it('has no token without an issue entry, and passes over entries of other types', () => {
    expect(foldTokenEntries('land', TOKEN, [entry(2, 'gov.land.parcel.noted.v1', { tokenId: TOKEN })])).toEqual({});
  });

  it('names a history that is no token’s: revoked before issue, issued twice, another token’s entry', () => {
    expect(foldTokenEntries('land', TOKEN, [revoked]).problem).toBe(
      `token ${TOKEN} is revoked at land seq 4 before it was issued`,
    );
    expect(foldTokenEntries('land', TOKEN, [issued, { ...issued, seq: 2 }]).problem).toBe(
      `token ${TOKEN} is issued twice (again at land seq 2)`,
    );
    expect(foldTokenEntries('land', TOKEN, [{ ...issued, data: { ...issuedData, tokenId: 'another' } }]).problem).toBe(
      `entry land seq 1 is of another token than ${TOKEN}`,
    );
  });
});

describe('a token row held to its entries', () => {
  const ledger = foldTokenEntries('land', TOKEN, [issued]).token;
  const revokedInLedger = foldTokenEntries('land', TOKEN, [issued, revoked]).token;

  it('agrees when every field the guard decides by is what the entries give', () => {
    expect(tokenDisagreement(row, ledger)).toBeUndefined();
  });

  it('refuses a row un-revoked behind the trigger’s back', () => {
    expect(tokenDisagreement({ ...row, position: { chain: 'land', seq: 4 } }, revokedInLedger)).toBe(
      `operator token ${TOKEN}: the row says active, but its entry at land seq 4 revoked it`,
    );
  });

  it('refuses a row whose role, scope or hash was rewritten, naming the fields', () => {
    expect(tokenDisagreement({ ...row, role: 'clerk', scope: 'bank:alpha', tokenHash: 'cd'.repeat(32) }, ledger)).toBe(
      `operator token ${TOKEN}: the row's tokenHash, role, scope differ from its issue entry`,
    );
  });

  it('refuses an invented row, and one standing at another entry', () => {
    expect(tokenDisagreement(row, undefined)).toBe(`operator token ${TOKEN} has no issue entry in the ledger`);
    expect(tokenDisagreement({ ...row, position: { chain: 'land', seq: 9 } }, ledger)).toBe(
      `operator token ${TOKEN}: the row stands at land seq 9, but its last entry is land seq 1`,
    );
  });
});

describe('a stored token entry read for the guard', () => {
  it('is read when its signature, department and data commitment hold', async () => {
    expect(readTokenEntry(await sealed(issuedData), 'land', bundle)).toEqual({
      chain: 'land',
      seq: 1,
      type: 'gov.land.operator.token-issued.v1',
      subject: TOKEN,
      time: new Date('2026-02-01T00:00:00.000Z'),
      actor: 'npm start',
      data: issuedData,
    });
  });

  it('is refused when its data was changed after sealing (a role raised in the stored disclosure)', async () => {
    const stored = await sealed({ ...issuedData, role: 'auditor' });
    const forged = await sealed(issuedData);
    const sut = readTokenEntry({ ...stored, disclosure: forged.disclosure }, 'land', bundle);
    expect(sut).toEqual({
      problem:
        'entry land seq 1 does not verify: PROTOCOL.DATA_COMMITMENT_MISMATCH: data: the data does not match the datadigest the owner signed: a value, a salt or a commitment was changed',
    });
  });

  it('is refused when signed by a key that is not the department’s (a forger with the database only)', async () => {
    const sut = readTokenEntry(await sealed(issuedData, testSigner('land', 'forger')), 'land', bundle);
    expect(sut).toEqual({
      problem:
        "entry land seq 1 does not verify: PROTOCOL.UNKNOWN_KEY: keyid: key 'land-forger' is not in trust bundle version 1",
    });
  });
});

describe('the token decider', () => {
  const none: TokenState = { status: 'none' };
  const issue = { kind: 'issue-token' as const, department: 'land', ...issuedData, role: 'admin' as const };

  it('issues a token once, as a token-issued entry without the department field', () => {
    expect(decideToken(issue, none)).toEqual([{ type: 'gov.land.operator.token-issued.v1', data: issuedData }]);
    const active = evolveToken(none, decideToken(issue, none)[0]!);
    expect(() => decideToken(issue, active)).toThrow(`token ${TOKEN} already exists`);
  });

  it('revokes an active token once, and no token that does not exist', () => {
    const revoke = { kind: 'revoke-token' as const, department: 'land', tokenId: TOKEN };
    expect(() => decideToken(revoke, none)).toThrow(`there is no active token ${TOKEN}`);
    const active = evolveToken(none, decideToken(issue, none)[0]!);
    const events = decideToken(revoke, active);
    expect(events).toEqual([{ type: 'gov.land.operator.token-revoked.v1', data: { tokenId: TOKEN } }]);
    expect(() => decideToken(revoke, evolveToken(active, events[0]!))).toThrow(`token ${TOKEN} is already revoked`);
  });
});
