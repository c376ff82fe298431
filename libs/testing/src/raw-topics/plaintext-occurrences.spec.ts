import { plaintextOccurrences } from './plaintext-occurrences.js';
import { type RawRecord } from './raw-record.js';

const record = (offset: number, parts: Partial<RawRecord>): RawRecord => ({
  topic: 't',
  partition: 0,
  offset,
  timestamp: 0,
  timestampType: 'CreateTime',
  key: null,
  value: null,
  headers: [],
  ...parts,
});

describe('plaintextOccurrences', () => {
  it('names the record and part of every needle found, headers by name', () => {
    const records = [
      record(0, { key: Buffer.from('person:0142'), value: Buffer.from('{"owner":"person:0142"}') }),
      record(1, {
        headers: [
          ['person:0142', Buffer.from('x')],
          ['subject', Buffer.from('person:0142')],
        ],
      }),
      record(2, { value: Buffer.from('person:0143') }),
    ];
    expect(plaintextOccurrences(records, ['person:0142', 'person:9'])).toEqual([
      { needle: 'person:0142', topic: 't', partition: 0, offset: 0, part: 'key' },
      { needle: 'person:0142', topic: 't', partition: 0, offset: 0, part: 'value' },
      { needle: 'person:0142', topic: 't', partition: 0, offset: 1, part: 'header name', header: 'person:0142' },
      { needle: 'person:0142', topic: 't', partition: 0, offset: 1, part: 'header value', header: 'subject' },
    ]);
  });

  it('finds UTF-8 text inside binary bytes, and nothing in null parts', () => {
    const bytes = Buffer.concat([
      Buffer.from([0x00, 0xff]),
      Buffer.from('Nino Beridze — ნინო', 'utf8'),
      Buffer.from([0xfe]),
    ]);
    expect(plaintextOccurrences([record(7, { value: bytes, headers: [['h', null]] })], ['ნინო', 'h'])).toEqual([
      { needle: 'ნინო', topic: 't', partition: 0, offset: 7, part: 'value' },
      { needle: 'h', topic: 't', partition: 0, offset: 7, part: 'header name', header: 'h' },
    ]);
  });

  it('refuses an empty needle, which every part would contain', () => {
    expect(() => plaintextOccurrences([], ['person:1', ''])).toThrow(
      'an empty needle would be found everywhere: pass the identifiers to look for',
    );
  });
});
