import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Operator tokens from the ledger (issue #27). A token is issued and
 * revoked by control entries of the department's own chain
 * (`gov.<dept>.operator.token-issued.v1` / `token-revoked.v1`), and its
 * operator_token row names its last entry — (last_chain, last_seq) — and is
 * written only in the transaction that inserted that entry of that token
 * (subject = the token id), the rule aggregate_state follows (migration
 * 1764000002005). Without it the app's database login could insert an
 * admin token of its own or un-revoke one; now it needs a ledger entry
 * beside the row, which it cannot sign, so the guard (which checks the
 * entries' signatures), `verify` and every follower refuse it. Rows are
 * never removed: a revoked token stays on the record.
 *
 * Tokens issued before have no entry, and SQL cannot sign one. Vouching for
 * them would leave unrecorded credentials working, so the migration revokes
 * every active one (revoked_by names this migration): re-issue after the
 * upgrade — `npm start` issues its development tokens afresh at every
 * start, a department's first admin comes from `npm run token -- issue`.
 */
export class OperatorTokenAtLedgerPosition1764000002006 implements MigrationInterface {
  name = 'OperatorTokenAtLedgerPosition1764000002006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE operator_token ADD COLUMN last_chain text, ADD COLUMN last_seq bigint');
    await queryRunner.query(`
      UPDATE operator_token SET revoked_at = now(), revoked_by = 'migration:1764000002006'
       WHERE revoked_at IS NULL`);
    // A row without its entry is one of those, revoked; every row written from now on has both.
    await queryRunner.query(`
      ALTER TABLE operator_token ADD CONSTRAINT operator_token_at_entry
        CHECK ((last_chain IS NULL) = (last_seq IS NULL) AND (last_chain IS NOT NULL OR revoked_at IS NOT NULL))`);

    // Checked at commit (a deferred constraint trigger), as aggregate_state: the command runner writes the row
    // in the projection step, before the ledger inserts the batch's entries, in the same transaction.
    await queryRunner.query(`
      CREATE FUNCTION operator_token_from_ledger() RETURNS trigger
      LANGUAGE plpgsql
      SET search_path = pg_catalog, public, pg_temp
      AS $$
      BEGIN
        IF NOT public.ledger_written_in_transaction(NEW.last_chain, NEW.last_seq, NEW.id::text) THEN
          RAISE EXCEPTION 'operator_token %: % refused, entry % of chain % was not written by this transaction',
            NEW.id, TG_OP, NEW.last_seq, NEW.last_chain
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'a token is issued or revoked only with its entry in the ledger (POST /v1/admin/tokens, npm run token)';
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER operator_token_from_ledger AFTER INSERT OR UPDATE ON operator_token
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION operator_token_from_ledger()`);
    await queryRunner.query(`
      CREATE FUNCTION operator_token_refuse_removal() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'operator_token: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'a token is revoked by an entry, never removed';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER operator_token_refuse_delete BEFORE DELETE ON operator_token
      FOR EACH ROW EXECUTE FUNCTION operator_token_refuse_removal()`);
    await queryRunner.query(`
      CREATE TRIGGER operator_token_refuse_truncate BEFORE TRUNCATE ON operator_token
      FOR EACH STATEMENT EXECUTE FUNCTION operator_token_refuse_removal()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER operator_token_refuse_truncate ON operator_token');
    await queryRunner.query('DROP TRIGGER operator_token_refuse_delete ON operator_token');
    await queryRunner.query('DROP FUNCTION operator_token_refuse_removal()');
    await queryRunner.query('DROP TRIGGER operator_token_from_ledger ON operator_token');
    await queryRunner.query('DROP FUNCTION operator_token_from_ledger()');
    await queryRunner.query('ALTER TABLE operator_token DROP CONSTRAINT operator_token_at_entry');
    await queryRunner.query('ALTER TABLE operator_token DROP COLUMN last_seq, DROP COLUMN last_chain');
  }
}
