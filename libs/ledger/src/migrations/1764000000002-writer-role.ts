import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The role the app works as: SELECT and INSERT on the ledger tables and
 * nothing more, so even a bug in the app (or an attacker holding its
 * credentials) cannot UPDATE, DELETE or TRUNCATE history. Apps log in as a
 * role that is a member of this one, never as the owner that runs migrations.
 *
 * Roles are cluster-wide, so the name is tied to the database:
 * `<database>_writer` (see writerRoleName()). Projection tables that app
 * migrations create later get SELECT, INSERT, UPDATE, DELETE by default.
 */
export class WriterRole1764000000002 implements MigrationInterface {
  name = 'WriterRole1764000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      DECLARE
        writer text := left(current_database(), 56) || '_writer';
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = writer) THEN
          EXECUTE format('CREATE ROLE %I NOLOGIN', writer);
        END IF;
        EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', current_database(), writer);
        EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', writer);
        EXECUTE format('GRANT SELECT, INSERT ON ledger_entry, ledger_entry_data, merkle_node, ledger_idempotency TO %I', writer);
        EXECUTE format('GRANT SELECT ON ledger_chain_head TO %I', writer);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE ON relay_cursor TO %I', writer);
        EXECUTE format('GRANT SELECT ON migrations TO %I', writer);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', writer);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO %I', writer);
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      DECLARE
        writer text := left(current_database(), 56) || '_writer';
      BEGIN
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM %I', writer);
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM %I', writer);
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', writer);
        EXECUTE format('REVOKE ALL ON SCHEMA public FROM %I', writer);
        EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), writer);
      END
      $$`);
  }
}
