import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { checkpointTime, compromiseRuling, judgeAtReceipt, validWhenAnchored } from './key-time.js';
import type { TrustedKey } from './trust-bundle.js';

const key = (extra: Partial<TrustedKey> = {}): TrustedKey => ({
  keyId: 'land-1',
  publicKey: 'AAAA',
  validFrom: '2026-01-01T00:00:00.000Z',
  ...extra,
});
const at = (iso: string) => new Date(iso);

describe('a key judged at the receipt of the entry, never at the time it claims', () => {
  it('a stolen key revoked before the receipt is refused whatever earlier time the entry claims', () => {
    const problem = judgeAtReceipt(key({ revokedAt: '2026-06-01T00:00:00.000Z', revocationReason: 'stolen' }), {
      claimed: at('2026-05-01T00:00:00.000Z'),
      receivedAt: at('2026-06-02T00:00:00.000Z'),
    });
    expect(problem?.code).toBe(ProtocolErrorCode.KEY_REVOKED);
    expect(problem?.attribute).toBe('keyid');
    expect(problem?.reason).toBe(
      "key 'land-1' was revoked at 2026-06-01T00:00:00.000Z (stolen) — judged at its receipt (2026-06-02T00:00:00.000Z), not at the time it claims (2026-05-01T00:00:00.000Z)",
    );
  });

  it('a retired key is not valid at a receipt after its window', () => {
    expect(
      judgeAtReceipt(key({ validUntil: '2026-06-01T00:00:00.000Z' }), {
        claimed: at('2026-05-31T23:59:00.000Z'),
        receivedAt: at('2026-06-01T00:00:01.000Z'),
      })?.code,
    ).toBe(ProtocolErrorCode.KEY_NOT_VALID_AT_TIME);
  });

  it('a year-old claimed time is never held against the clock: a new follower replays an old chain', () => {
    expect(
      judgeAtReceipt(key(), {
        claimed: at('2026-01-02T00:00:00.000Z'),
        previousClaimed: at('2026-01-01T23:00:00.000Z'),
        receivedAt: at('2027-01-02T00:00:00.000Z'),
      }),
    ).toBeUndefined();
  });

  it('a claimed time more than the skew ahead of the clock is held; within it, not', () => {
    const receivedAt = at('2026-06-01T12:00:00.000Z');
    expect(judgeAtReceipt(key(), { claimed: at('2026-06-01T12:05:00.000Z'), receivedAt })).toBeUndefined();
    const ahead = judgeAtReceipt(key(), { claimed: at('2026-06-01T12:05:00.001Z'), receivedAt });
    expect(ahead?.code).toBe(ProtocolErrorCode.TIME_AHEAD);
    expect(ahead?.attribute).toBe('time');
    expect(judgeAtReceipt(key(), { claimed: at('2026-06-01T12:00:02.000Z'), receivedAt, skewMs: 1000 })?.code).toBe(
      ProtocolErrorCode.TIME_AHEAD,
    );
  });

  it('a claimed time more than the skew before the entry it follows is held (a backdated entry)', () => {
    const times = { receivedAt: at('2026-06-01T12:00:00.000Z'), previousClaimed: at('2026-06-01T11:00:00.000Z') };
    expect(judgeAtReceipt(key(), { ...times, claimed: at('2026-06-01T10:55:00.000Z') })).toBeUndefined();
    expect(judgeAtReceipt(key(), { ...times, claimed: at('2026-06-01T10:54:59.999Z') })?.code).toBe(
      ProtocolErrorCode.TIME_BEFORE_PREVIOUS,
    );
  });
});

describe('a key judged at the time a quorum checkpoint fixed', () => {
  const bundle = { anchorGraceSeconds: 3600 };
  it('a revoked key vouches only for entries anchored before its revocation, with no grace', () => {
    const revoked = key({ revokedAt: '2026-06-01T00:00:00.000Z', validUntil: '2026-07-01T00:00:00.000Z' });
    expect(validWhenAnchored(revoked, at('2026-05-31T23:59:59.999Z'), bundle)).toBe(true);
    expect(validWhenAnchored(revoked, at('2026-06-01T00:00:00.000Z'), bundle)).toBe(false);
  });
  it('a retired key keeps the bundle grace after its window; the default grace is a day', () => {
    const retired = key({ validUntil: '2026-06-01T00:00:00.000Z' });
    expect(validWhenAnchored(retired, at('2026-06-01T00:59:59.999Z'), bundle)).toBe(true);
    expect(validWhenAnchored(retired, at('2026-06-01T01:00:00.000Z'), bundle)).toBe(false);
    expect(validWhenAnchored(retired, at('2026-06-01T23:59:59.000Z'), {})).toBe(true);
    expect(validWhenAnchored(retired, at('2026-06-02T00:00:00.000Z'), {})).toBe(false);
  });
  it('nothing before a key existed', () => {
    expect(validWhenAnchored(key(), at('2025-12-31T23:59:59.999Z'), bundle)).toBe(false);
  });
});

describe("a checkpoint's time", () => {
  const anchor = at('2026-06-01T12:00:00.000Z');
  const seconds = (iso: string) => Date.parse(iso) / 1000;
  it('is the q-th earliest witness timestamp when that is later than the anchor', () => {
    const stamps = [seconds('2026-06-01T12:00:09Z'), seconds('2026-06-01T12:00:03Z'), seconds('2026-06-01T12:00:05Z')];
    expect(checkpointTime(anchor, stamps, 2)?.toISOString()).toBe('2026-06-01T12:00:05.000Z');
    expect(checkpointTime(anchor, stamps, 3)?.toISOString()).toBe('2026-06-01T12:00:09.000Z');
  });
  it('is the anchor time when the witnesses claim earlier (a witness clock behind cannot move it back)', () => {
    expect(checkpointTime(anchor, [seconds('2026-06-01T11:00:00Z')], 1)?.toISOString()).toBe(anchor.toISOString());
  });
  it('is undefined with fewer than q timestamps', () => {
    expect(checkpointTime(anchor, [seconds('2026-06-01T12:00:09Z')], 2)).toBeUndefined();
  });
});

describe('a compromise revocation keeps the honest history', () => {
  const legit = 'ab'.repeat(32);
  const forged = 'cd'.repeat(32);
  const stolen = key({
    revokedAt: '2026-06-01T00:00:00.000Z',
    compromise: [{ chain: 'land', size: 10, root: 'ee'.repeat(32), legitimate: [legit] }],
  });
  it('the vouched prefix is judged as any entry is', () => {
    expect(compromiseRuling(stolen, 'land', 10, forged)).toEqual({ kind: 'in-prefix', size: 10 });
  });
  it('after it, only the hashes the department listed', () => {
    expect(compromiseRuling(stolen, 'land', 11, legit.toUpperCase())).toEqual({ kind: 'vouched' });
    expect(compromiseRuling(stolen, 'land', 11, forged)).toEqual({
      kind: 'unvouched',
      reason: `key 'land-1' was revoked as compromised; land vouched up to 10 and 1 legitimate entry after it, not entry 11 (${forged})`,
    });
  });
  it('a chain it does not name keeps the ordinary rule, and so does a key revoked without one', () => {
    expect(compromiseRuling(stolen, 'land/1', 11, forged)).toEqual({ kind: 'not-named' });
    expect(compromiseRuling(key({ revokedAt: '2026-06-01T00:00:00.000Z' }), 'land', 11, forged)).toEqual({
      kind: 'not-named',
    });
  });
});
