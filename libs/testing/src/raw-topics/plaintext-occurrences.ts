import { type RawRecord } from './raw-record.js';

export type RecordPart = 'key' | 'value' | 'header name' | 'header value';

export interface PlaintextOccurrence {
  needle: string;
  topic: string;
  partition: number;
  offset: number;
  part: RecordPart;
  /** The header's name, when `part` is a header's. */
  header?: string;
}

/**
 * Where each needle appears as plaintext in any key, value, header name or
 * header value: a search for the needle's UTF-8 bytes, so it finds it inside
 * binary data too. One occurrence per needle and part, in record order.
 */
export function plaintextOccurrences(records: readonly RawRecord[], needles: readonly string[]): PlaintextOccurrence[] {
  if (needles.some((needle) => needle === ''))
    throw new Error('an empty needle would be found everywhere: pass the identifiers to look for');
  const encoded = needles.map((needle) => ({ needle, bytes: Buffer.from(needle, 'utf8') }));
  const occurrences: PlaintextOccurrence[] = [];
  for (const record of records) {
    const where = { topic: record.topic, partition: record.partition, offset: record.offset };
    const parts: Array<{ part: RecordPart; bytes: Buffer | null; header?: string }> = [
      { part: 'key', bytes: record.key },
      { part: 'value', bytes: record.value },
      ...record.headers.flatMap(([name, value]) => [
        { part: 'header name' as const, bytes: Buffer.from(name, 'utf8'), header: name },
        { part: 'header value' as const, bytes: value, header: name },
      ]),
    ];
    for (const { needle, bytes: needleBytes } of encoded)
      for (const { part, bytes, header } of parts)
        if (bytes !== null && bytes.includes(needleBytes))
          occurrences.push({ needle, ...where, part, ...(header !== undefined ? { header } : {}) });
  }
  return occurrences;
}
