import type { MigrationInterface, QueryRunner } from 'typeorm';

const GUARDED_TABLES = ['ledger_entry', 'ledger_entry_data', 'merkle_node', 'ledger_idempotency'];

/**
 * History cannot be edited in place: row triggers refuse UPDATE and DELETE,
 * a statement trigger refuses TRUNCATE (row triggers do not fire for it).
 * A superuser can still disable triggers; that is what verifyChain, the
 * notary's head check and the witnesses are for.
 */
export class AppendOnlyGuards1764000000001 implements MigrationInterface {
  name = 'AppendOnlyGuards1764000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION ledger_refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'entries are never changed; corrections are new entries that cite the one they correct';
      END
      $$`);
    for (const table of GUARDED_TABLES) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_refuse_update_delete BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_refuse_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of GUARDED_TABLES) {
      await queryRunner.query(`DROP TRIGGER ${table}_refuse_truncate ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_refuse_update_delete ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION ledger_refuse_change()`);
  }
}
