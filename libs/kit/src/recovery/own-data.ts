import { openIdempotencyHeader } from '@registry-bus/ledger';
import { decodeRecord, encodeRecord, entryFieldKey, openDisclosure } from '@registry-bus/protocol';

import type { RecoverySource, SourceRecord } from './recovery-source.js';

/** The department's subject keys of these subjects (none made: recovery only reads). */
export type OwnSubjectKeys = (subjects: readonly string[]) => Promise<Map<string, Uint8Array>>;

/**
 * A recovery source whose records come back as the department first wrote
 * them: the data sealed on the topic (issue #28) opened with the
 * department's own subject keys, field by field against its commitments,
 * and the idempotency header opened too. A batch's keys are read in one
 * query. A record that does not decode, or whose subject has no key any
 * more, goes on as it came: recovery refuses the first and reports the
 * second's data as missing, exactly as before.
 */
export function ownDataSource(source: RecoverySource, keysOf: OwnSubjectKeys): RecoverySource {
  return {
    name: source.name,
    read: (onBatch, afterSeq) =>
      source.read(async (records) => onBatch(await openOwnRecords(records, keysOf)), afterSeq),
  };
}

export async function openOwnRecords(records: SourceRecord[], keysOf: OwnSubjectKeys): Promise<SourceRecord[]> {
  const decoded = records.map((record) => {
    try {
      return decodeRecord({ key: record.key, value: record.value });
    } catch {
      return undefined;
    }
  });
  const subjects = new Set<string>();
  decoded.forEach((item, i) => {
    if (item && (item.disclosure?.sealed || records[i]!.idempotencyHeader)) subjects.add(item.envelope.subject);
  });
  const keys = subjects.size > 0 ? await keysOf([...subjects]) : new Map<string, Uint8Array>();
  return Promise.all(
    records.map(async (record, i) => {
      const item = decoded[i];
      if (!item) return record;
      const { envelope } = item;
      const subjectKey = keys.get(envelope.subject);
      const context = { chain: envelope.chain, seq: Number(envelope.seq), type: envelope.type, hash: envelope.hash };
      let opened = record;
      if (item.disclosure?.sealed && subjectKey) {
        const { disclosure } = await openDisclosure(item.disclosure, context, (field) =>
          entryFieldKey(subjectKey, context, field),
        );
        const { fields, salts, withheld } = disclosure;
        opened = { ...opened, value: encodeRecord(envelope, { fields, salts, withheld }).value };
      }
      if (record.idempotencyHeader) {
        const idempotency = await openIdempotencyHeader(record.idempotencyHeader, context, subjectKey).catch(
          () => undefined,
        );
        if (idempotency) opened = { ...opened, idempotency };
      }
      return opened;
    }),
  );
}
