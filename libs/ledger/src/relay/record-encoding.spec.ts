import { decodeIdempotency, encodeIdempotency } from './record-encoding.js';

describe('the idempotency header', () => {
  const idempotency = { key: 'k-1', requestDigest: new Uint8Array(32).fill(0xab), firstSeq: 7 };

  it('reads back what it wrote', () => {
    expect(decodeIdempotency(encodeIdempotency(idempotency))).toEqual({
      key: 'k-1',
      requestDigest: Buffer.from(idempotency.requestDigest),
      firstSeq: 7,
    });
  });

  it('takes a header that repeats a key, or carries __proto__, as not one of ours', () => {
    const header = encodeIdempotency(idempotency);
    expect(decodeIdempotency(header.replace('"key":"k-1"', '"key":"k-1","key":"k-2"'))).toBeUndefined();
    expect(decodeIdempotency(header.replace('"key":"k-1"', '"key":"k-1","__proto__":{}'))).toBeUndefined();
    expect(decodeIdempotency('{"a":1,"a":2}')).toBeUndefined();
  });
});
