import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * trust_bundle_applied: a row per trust bundle version this department
 * started with, so a later start can refuse an older one (a rollback past a
 * revocation). Rows are never changed or removed, and a new row must carry
 * a higher version than every row before it.
 */
export class TrustBundleApplied1764000002002 implements MigrationInterface {
  name = 'TrustBundleApplied1764000002002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE trust_bundle_applied (
        version     bigint      PRIMARY KEY CHECK (version >= 1),
        digest      text        NOT NULL CHECK (digest ~ '^[0-9a-f]{64}$'),
        file        text        NOT NULL,
        applied_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE FUNCTION trust_bundle_only_higher() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        highest bigint;
      BEGIN
        SELECT max(version) INTO highest FROM trust_bundle_applied;
        IF highest IS NOT NULL AND NEW.version <= highest THEN
          RAISE EXCEPTION 'trust bundle version % is not higher than version % already applied', NEW.version, highest
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER trust_bundle_applied_only_higher BEFORE INSERT ON trust_bundle_applied
      FOR EACH ROW EXECUTE FUNCTION trust_bundle_only_higher()`);
    await queryRunner.query(`
      CREATE TRIGGER trust_bundle_applied_refuse_update_delete BEFORE UPDATE OR DELETE ON trust_bundle_applied
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER trust_bundle_applied_refuse_truncate BEFORE TRUNCATE ON trust_bundle_applied
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE trust_bundle_applied');
    await queryRunner.query('DROP FUNCTION trust_bundle_only_higher()');
  }
}
