import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * received_entry_fields: each received entry with the data kept of it and
 * that data's `fields` decoded as jsonb (NULL where the data was denied).
 * The one place SQL reads inside a received disclosure: the store filters on
 * `fields ->> 'anchorSeq'` instead of repeating the decoding inline.
 *
 * A plain view (Postgres inlines it, so the store's conditions reach the
 * tables' indexes); the LEFT JOIN is dropped from a query that reads no data
 * column. Read-only for the writer role, like the mirror it shows.
 */
export class ReceivedEntryFieldsView1764000001002 implements MigrationInterface {
  name = 'ReceivedEntryFieldsView1764000001002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE VIEW received_entry_fields AS
        SELECT e.source_chain, e.seq, e.id, e.type, e.subject, e.time, e.hash, e.envelope, e.sig, e.keyid,
               e.received_at, d.disclosure,
               convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' AS fields
          FROM received_entry e
          LEFT JOIN received_entry_data d ON d.source_chain = e.source_chain AND d.seq = e.seq`);
    await queryRunner.query(`
      DO $$
      DECLARE
        writer text := left(current_database(), 56) || '_writer';
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = writer) THEN
          EXECUTE format('REVOKE ALL ON received_entry_fields FROM %I', writer);
          EXECUTE format('GRANT SELECT ON received_entry_fields TO %I', writer);
        END IF;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP VIEW received_entry_fields');
  }
}
