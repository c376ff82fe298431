import type { SqlQueryable } from './received-entries.js';

/** Where the consumer stands on a followed chain: the last applied entry and the Kafka record it came from. */
export interface ConsumerPosition {
  chain: string;
  seq: number;
  topic: string;
  partition: number;
  offset: string;
}

/** Every followed chain's position, by chain (what the notary anchors, and the consumer lag's starting points). */
export async function consumerPositions(db: SqlQueryable): Promise<ConsumerPosition[]> {
  const rows: Array<{
    source_chain: string;
    seq: string;
    topic: string;
    kafka_partition: number;
    kafka_offset: string;
  }> = await db.query(
    'SELECT source_chain, seq, topic, kafka_partition, kafka_offset FROM consumer_position ORDER BY source_chain',
  );
  return rows.map((row) => ({
    chain: row.source_chain,
    seq: Number(row.seq),
    topic: row.topic,
    partition: row.kafka_partition,
    offset: row.kafka_offset,
  }));
}

/** The last seq applied of a followed chain, 0 when nothing was. */
export async function appliedSeq(db: SqlQueryable, chain: string): Promise<number> {
  const rows: Array<{ seq: string }> = await db.query('SELECT seq FROM consumer_position WHERE source_chain = $1', [
    chain,
  ]);
  return Number(rows[0]?.seq ?? 0);
}

/** Records in quarantine now, by code. */
export async function quarantineCounts(db: SqlQueryable): Promise<Array<{ code: string; count: number }>> {
  const rows: Array<{ code: string; n: string }> = await db.query(
    'SELECT code, count(*) AS n FROM consumer_quarantine GROUP BY code',
  );
  return rows.map((row) => ({ code: row.code, count: Number(row.n) }));
}
