import { anchorDue } from './notary-anchorer.js';

const config = { NOTARY_ANCHOR_INTERVAL_MS: 5000, NOTARY_ANCHOR_EVERY_ENTRIES: 1000 };

describe('when a chain is due for an anchor', () => {
  it('never when it has not moved since its last anchor', () => {
    expect(anchorDue({ size: 10, anchored: 10, lastAttempt: undefined, now: 1e9 }, config)).toBe(false);
    expect(anchorDue({ size: 0, anchored: 0, lastAttempt: undefined, now: 1e9 }, config)).toBe(false);
  });

  it('at once for a chain not tried since the notary started', () => {
    expect(anchorDue({ size: 1, anchored: 0, lastAttempt: undefined, now: 1000 }, config)).toBe(true);
  });

  it('after the interval, however few entries moved', () => {
    expect(anchorDue({ size: 11, anchored: 10, lastAttempt: 1000, now: 5999 }, config)).toBe(false);
    expect(anchorDue({ size: 11, anchored: 10, lastAttempt: 1000, now: 6000 }, config)).toBe(true);
  });

  it('before the interval once it moved by N entries', () => {
    expect(anchorDue({ size: 1009, anchored: 10, lastAttempt: 1000, now: 1001 }, config)).toBe(false);
    expect(anchorDue({ size: 1010, anchored: 10, lastAttempt: 1000, now: 1001 }, config)).toBe(true);
  });
});
