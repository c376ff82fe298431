import { CloudEvent } from 'cloudevents';

import { redact } from '../commitments/commitments.js';
import { sealEntrySync } from '../entry/seal-entry.js';
import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { testSigner } from '../fixtures/test-department.js';
import { CLOUDEVENTS_CONTENT_TYPE, decodeRecord, destinationOf, encodeRecord } from './kafka-codec.js';

const sealed = sealEntrySync(
  {
    chain: 'credit',
    seq: 1,
    prevhash: new Uint8Array(32),
    type: 'gov.credit.pledge.requested.v1',
    subject: 'pledge-1',
    data: { parcelId: 'CAD-1', bank: 'bank:7', amount: '150000.00' },
    actor: 'clerk:2',
  },
  testSigner('credit'),
);

describe('Kafka codec', () => {
  it('keys by subject and routes by headers without parsing', () => {
    const sut = encodeRecord(sealed.envelope, sealed.disclosure);
    expect(sut.key).toBe('pledge-1');
    expect(sut.headers).toEqual({
      'content-type': CLOUDEVENTS_CONTENT_TYPE,
      ce_id: sealed.envelope.id,
      ce_type: 'gov.credit.pledge.requested.v1',
      ce_source: 'urn:gov:credit',
    });
  });

  it('puts a chain on its department topic, a shard on its partition', () => {
    expect(destinationOf('credit')).toEqual({ topic: 'gov.credit.ledger.v2', partition: 0 });
    expect(destinationOf('credit/2')).toEqual({ topic: 'gov.credit.ledger.v2', partition: 2 });
  });

  it.each([
    ['full data', sealed.disclosure],
    ['redacted data', redact(sealed.disclosure, ['parcelId'])],
    ['no data', undefined],
  ])('a record with %s is a valid CloudEvent for the official SDK (strict)', (_name, disclosure) => {
    const json = JSON.parse(new TextDecoder().decode(encodeRecord(sealed.envelope, disclosure).value)) as Record<
      string,
      unknown
    >;
    const event = new CloudEvent(json, true);
    expect(event.validate()).toBe(true);
    expect(event.specversion).toBe('1.0');
    expect((event as unknown as Record<string, unknown>).seq).toBe('1');
  });

  describe('a record the strict parser refuses is a named refusal, never a last-key-wins reading', () => {
    const text = new TextDecoder().decode(encodeRecord(sealed.envelope, sealed.disclosure).value);
    const record = (value: string) => ({
      topic: 'gov.credit.ledger.v2',
      key: 'pledge-1',
      value: new TextEncoder().encode(value),
    });

    it('refuses a duplicate attribute', () => {
      const value = text.replace('"subject":"pledge-1"', '"subject":"pledge-1","subject":"pledge-2"');
      expect(() => decodeRecord(record(value))).toThrow(
        /^PROTOCOL\.BAD_JSON: \$\.subject: duplicate key in the record at character \d+$/,
      );
    });

    it('refuses a duplicate data field', () => {
      const value = text.replace('"amount":"150000.00"', '"amount":"150000.00","amount":"1.00"');
      expect(value).not.toBe(text);
      expect(() => decodeRecord(record(value))).toThrow(
        /^PROTOCOL\.BAD_JSON: \$\.data\.fields\.amount: duplicate key in the record at character \d+$/,
      );
    });

    it('refuses a __proto__ field', () => {
      const value = text.replace('"fields":{', '"fields":{"__proto__":{"bank":"bank:9"},');
      expect(value).not.toBe(text);
      expect(() => decodeRecord(record(value))).toThrow(
        /^PROTOCOL\.BAD_JSON: \$\.data\.fields\.__proto__: forbidden key "__proto__" in the record at character \d+$/,
      );
    });

    it('refuses {"a":1,"a":2} as a record', () => {
      expect(() => decodeRecord(record('{"a":1,"a":2}'))).toThrow(
        'PROTOCOL.BAD_JSON: $.a: duplicate key in the record at character 7',
      );
    });
  });

  it('refuses an entry that arrives on another department topic', () => {
    const record = encodeRecord(sealed.envelope, sealed.disclosure);
    expect(() => decodeRecord({ topic: 'gov.land.ledger.v2', ...record })).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.WRONG_TOPIC }),
    );
  });

  it('refuses a record whose key is not its subject, and an empty record', () => {
    const record = encodeRecord(sealed.envelope);
    expect(() => decodeRecord({ ...record, key: 'other' })).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.BAD_RECORD }),
    );
    expect(() => decodeRecord({ value: null })).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.BAD_RECORD }),
    );
  });
});
