import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a department keeps of the chains it consumes:
 * - received_entry: every verified envelope of every chain it follows (the
 *   hash-only view every witness needs: 32 bytes of hash and the envelope,
 *   kept even when the data was denied);
 * - received_entry_data: the data it was allowed to keep (redacted to the
 *   granted fields, the rest as commitments);
 * - consumer_position: per source chain, the last applied seq and hash and
 *   the Kafka offset it came from, committed with the handler's writes, so a
 *   restored database resumes exactly where its data stops;
 * - consumer_inbox: event ids already handled (de-duplication);
 * - consumer_quarantine: what was refused, and why.
 */
export class ConsumerSchema1764000001000 implements MigrationInterface {
  name = 'ConsumerSchema1764000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE received_entry (
        source_chain text        NOT NULL,
        seq          bigint      NOT NULL,
        id           uuid        NOT NULL,
        type         text        NOT NULL,
        subject      text        NOT NULL,
        time         timestamptz NOT NULL,
        hash         bytea       NOT NULL CHECK (octet_length(hash) = 32),
        envelope     bytea       NOT NULL,
        sig          bytea       NOT NULL,
        keyid        text        NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (source_chain, seq)
      )`);
    await queryRunner.query(`
      CREATE TABLE received_entry_data (
        source_chain text   NOT NULL,
        seq          bigint NOT NULL,
        disclosure   bytea  NOT NULL,
        PRIMARY KEY (source_chain, seq),
        FOREIGN KEY (source_chain, seq) REFERENCES received_entry (source_chain, seq)
      )`);
    await queryRunner.query(`
      CREATE TABLE consumer_position (
        source_chain text        PRIMARY KEY,
        seq          bigint      NOT NULL,
        hash         bytea       NOT NULL,
        topic        text        NOT NULL,
        kafka_partition integer  NOT NULL,
        kafka_offset bigint      NOT NULL,
        updated_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE consumer_inbox (
        event_id     uuid        PRIMARY KEY,
        source_chain text        NOT NULL,
        seq          bigint      NOT NULL,
        handled_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE consumer_quarantine (
        id           bigserial   PRIMARY KEY,
        topic        text        NOT NULL,
        kafka_partition integer  NOT NULL,
        kafka_offset bigint      NOT NULL,
        source_chain text,
        seq          bigint,
        event_id     text,
        event_type   text,
        code         text        NOT NULL,
        reason       text        NOT NULL,
        alarm        boolean     NOT NULL DEFAULT false,
        record       bytea,
        created_at   timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX consumer_quarantine_by_code ON consumer_quarantine (code, created_at)`);
    // The mirror is append-only like the ledger itself; the writer role may not change it.
    await queryRunner.query(`
      DO $$
      DECLARE
        writer text := left(current_database(), 56) || '_writer';
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = writer) THEN
          EXECUTE format('REVOKE UPDATE, DELETE ON received_entry, received_entry_data, consumer_inbox, consumer_quarantine FROM %I', writer);
        END IF;
      END
      $$`);
    for (const table of ['received_entry', 'received_entry_data']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_refuse_update_delete BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_refuse_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'consumer_quarantine',
      'consumer_inbox',
      'consumer_position',
      'received_entry_data',
      'received_entry',
    ]) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
