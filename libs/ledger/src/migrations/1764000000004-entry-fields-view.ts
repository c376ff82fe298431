import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * ledger_entry_fields: each entry with its stored data and that data's
 * `fields` decoded as jsonb (NULL where the entry has no data). The one
 * place SQL reads inside a stored disclosure: readers filter on
 * `fields ->> 'anchorSeq'` instead of repeating the decoding inline.
 *
 * A plain view (Postgres inlines it, so a reader's conditions reach the
 * tables' indexes); the LEFT JOIN is dropped from a query that reads no
 * data column. Read-only for the writer role: a join view is not
 * updatable anyway, and the default privileges would grant it writes.
 */
export class EntryFieldsView1764000000004 implements MigrationInterface {
  name = 'EntryFieldsView1764000000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE VIEW ledger_entry_fields AS
        SELECT e.chain, e.seq, e.id, e.type, e.subject, e.time, e.hash, e.envelope, e.sig, e.keyid,
               e.recorded_at, d.disclosure,
               convert_from(d.disclosure, 'UTF8')::jsonb -> 'fields' AS fields
          FROM ledger_entry e
          LEFT JOIN ledger_entry_data d ON d.chain = e.chain AND d.seq = e.seq`);
    await queryRunner.query(`
      DO $$
      DECLARE
        writer text := left(current_database(), 56) || '_writer';
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = writer) THEN
          EXECUTE format('REVOKE ALL ON ledger_entry_fields FROM %I', writer);
          EXECUTE format('GRANT SELECT ON ledger_entry_fields TO %I', writer);
        END IF;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP VIEW ledger_entry_fields');
  }
}
