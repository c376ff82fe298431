import { parseDumpOutput } from './raw-record.js';

const topic = '{"type":"topic","topic":"t","partitions":2,"endOffsets":[1,1]}';
const later =
  '{"type":"record","topic":"t","partition":1,"offset":0,"timestamp":5,"timestampType":"CreateTime",' +
  '"key":"aw==","value":"cGVyc29uOjAxNDI=","headers":[["h\\u00e9","dg=="],["h\\u00e9",null]]}';
const earlier =
  '{"type":"record","topic":"t","partition":0,"offset":0,"timestamp":4,"timestampType":"LogAppendTime",' +
  '"key":null,"value":null,"headers":[]}';
const done = (records: number) => `{"type":"done","topics":1,"records":${records},"elapsedMs":12}`;

describe('parseDumpOutput', () => {
  it('decodes base64 bytes, keeps nulls and repeated headers, sorts by topic, partition and offset', () => {
    expect(parseDumpOutput([topic, later, earlier, done(2), ''].join('\n'))).toEqual({
      topics: [{ topic: 't', partitions: 2, endOffsets: [1, 1] }],
      records: [
        {
          topic: 't',
          partition: 0,
          offset: 0,
          timestamp: 4,
          timestampType: 'LogAppendTime',
          key: null,
          value: null,
          headers: [],
        },
        {
          topic: 't',
          partition: 1,
          offset: 0,
          timestamp: 5,
          timestampType: 'CreateTime',
          key: Buffer.from('k'),
          value: Buffer.from('person:0142'),
          headers: [
            ['hé', Buffer.from('v')],
            ['hé', null],
          ],
        },
      ],
      elapsedMs: 12,
    });
  });

  it('refuses output cut short before the done line', () => {
    expect(() => parseDumpOutput([topic, later].join('\n'))).toThrow(
      'RawTopicDump ended without its done line: the dump is incomplete',
    );
  });

  it('refuses output whose records disagree with the count of the done line', () => {
    expect(() => parseDumpOutput([topic, later, done(2)].join('\n'))).toThrow(
      'RawTopicDump announced 1 topics and 2 records, its output holds 1 and 1',
    );
  });
});
