import { FixedWindowLimiter } from './fixed-window-limiter.js';

describe('fixed-window rate limiter', () => {
  it('allows `limit` requests a window per key, then says when to retry', () => {
    let now = 0;
    const limiter = new FixedWindowLimiter(2, 60_000, 10, () => now);
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('a')).toEqual({ allowed: true });
    now = 15_000;
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect(limiter.take('b')).toEqual({ allowed: true });
    now = 60_000;
    expect(limiter.take('a')).toEqual({ allowed: true });
  });

  it('keeps at most maxKeys windows', () => {
    let now = 0;
    const limiter = new FixedWindowLimiter(1, 1000, 3, () => now);
    for (const key of ['a', 'b', 'c', 'd']) {
      now++;
      limiter.take(key);
    }
    // 'a' was the oldest and was dropped: it may ask again.
    expect(limiter.take('a')).toEqual({ allowed: true });
    expect(limiter.take('d')).toMatchObject({ allowed: false });
  });
});
