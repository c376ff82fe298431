/** One record as the broker stores it: bytes, never decoded by the project's own code. */
export interface RawRecord {
  topic: string;
  partition: number;
  offset: number;
  /** Milliseconds since the epoch, of the kind `timestampType` names. */
  timestamp: number;
  timestampType: 'CreateTime' | 'LogAppendTime' | 'NoTimestampType';
  key: Buffer | null;
  value: Buffer | null;
  /**
   * In log order, repeats kept. Kafka's Java client hands header names over as
   * strings (decoded from UTF-8), so a name that was not valid UTF-8 shows
   * U+FFFD; a header value may be null.
   */
  headers: Array<[string, Buffer | null]>;
}

/** A topic the reader saw, with the end offset of each partition captured before reading. */
export interface RawTopic {
  topic: string;
  partitions: number;
  endOffsets: number[];
}

export interface RawDump {
  /** Every non-internal topic the user may describe, by name. */
  topics: RawTopic[];
  /** Sorted by topic, partition, offset. */
  records: RawRecord[];
  /** Time RawTopicDump took from its start to its last record (JVM start-up not counted). */
  elapsedMs: number;
}

type Line =
  | { type: 'topic'; topic: string; partitions: number; endOffsets: number[] }
  | {
      type: 'record';
      topic: string;
      partition: number;
      offset: number;
      timestamp: number;
      timestampType: RawRecord['timestampType'];
      key: string | null;
      value: string | null;
      headers: Array<[string, string | null]>;
    }
  | { type: 'done'; topics: number; records: number; elapsedMs: number };

const bytesOf = (base64: string | null): Buffer | null => (base64 === null ? null : Buffer.from(base64, 'base64'));

/**
 * Decodes RawTopicDump's stdout (one JSON object a line, see RawTopicDump.java).
 * Refuses output without the closing `done` line or whose counts disagree with
 * it: a dump cut short must not pass for an empty one.
 */
export function parseDumpOutput(output: string): RawDump {
  const topics: RawTopic[] = [];
  const records: RawRecord[] = [];
  let done: Extract<Line, { type: 'done' }> | undefined;
  for (const [index, text] of output.split('\n').entries()) {
    if (text === '') continue;
    if (done) throw new Error(`RawTopicDump wrote line ${index + 1} after its done line`);
    const line = JSON.parse(text) as Line;
    switch (line.type) {
      case 'topic':
        topics.push({ topic: line.topic, partitions: line.partitions, endOffsets: line.endOffsets });
        break;
      case 'record':
        records.push({
          topic: line.topic,
          partition: line.partition,
          offset: line.offset,
          timestamp: line.timestamp,
          timestampType: line.timestampType,
          key: bytesOf(line.key),
          value: bytesOf(line.value),
          headers: line.headers.map(([name, value]) => [name, bytesOf(value)]),
        });
        break;
      case 'done':
        done = line;
        break;
      default:
        throw new Error(`RawTopicDump wrote an unknown line ${index + 1}: ${text.slice(0, 200)}`);
    }
  }
  if (!done) throw new Error('RawTopicDump ended without its done line: the dump is incomplete');
  if (done.topics !== topics.length || done.records !== records.length)
    throw new Error(
      `RawTopicDump announced ${done.topics} topics and ${done.records} records, ` +
        `its output holds ${topics.length} and ${records.length}`,
    );
  records.sort(
    (a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0) || a.partition - b.partition || a.offset - b.offset,
  );
  return { topics, records, elapsedMs: done.elapsedMs };
}
