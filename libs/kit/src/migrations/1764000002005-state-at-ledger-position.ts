import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every version of an aggregate's state names the ledger entry that
 * produced it — (last_chain, last_seq), the last entry of the command — and
 * a row is written only in the transaction that inserted that entry of that
 * subject (issue #27). The deciders read this table, and the app's database
 * login could otherwise rewrite it: widen a grant, lift a pledge. Now a
 * forged state needs a ledger entry beside it, which cannot be signed
 * without the department's key, so `verify` and every follower reject it.
 *
 * Rows are never removed (a state is replaced by the next one): a deleted
 * state would let a decider start a subject over. A superuser can still
 * disable the triggers; then GET /v1/ledger/verify, which folds each state
 * from the ledger again, names the row, and the command runner refuses to
 * decide from it (docs/SECURITY.md).
 *
 * Existing rows get the chain of their entry from the ledger; a row whose
 * entry is not there was not written by a command, and the migration stops
 * naming it instead of vouching for it.
 */
export class StateAtLedgerPosition1764000002005 implements MigrationInterface {
  name = 'StateAtLedgerPosition1764000002005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE aggregate_state ADD COLUMN last_chain text');
    await queryRunner.query('UPDATE aggregate_state SET last_chain = ledger_chain_of_entry(last_seq, subject)');
    await queryRunner.query(`
      DO $$
      DECLARE
        orphan record;
      BEGIN
        SELECT aggregate, subject, last_seq INTO orphan FROM aggregate_state WHERE last_chain IS NULL LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'aggregate_state %/% names seq %, which is no entry of that subject in the ledger',
            orphan.aggregate, orphan.subject, orphan.last_seq
            USING HINT = 'rebuild the states from the ledger (LEDGER_RECOVERY) or remove the row as the owner, then migrate again';
        END IF;
      END
      $$`);
    await queryRunner.query('ALTER TABLE aggregate_state ALTER COLUMN last_chain SET NOT NULL');

    // Checked at commit (a deferred constraint trigger): the ledger appender writes a batch's projections
    // before it inserts the batch's entries, in the same transaction. A savepoint rolled back takes its
    // queued checks with it; nothing a session sets skips them.
    await queryRunner.query(`
      CREATE FUNCTION aggregate_state_from_ledger() RETURNS trigger
      LANGUAGE plpgsql
      SET search_path = pg_catalog, public, pg_temp
      AS $$
      BEGIN
        IF NOT public.ledger_written_in_transaction(NEW.last_chain, NEW.last_seq, NEW.subject) THEN
          RAISE EXCEPTION 'aggregate_state %/%: % refused, entry % of chain % was not written by this transaction',
            NEW.aggregate, NEW.subject, TG_OP, NEW.last_seq, NEW.last_chain
            USING ERRCODE = 'insufficient_privilege',
                  HINT = 'a state is written only with the ledger entry of that subject that produced it';
        END IF;
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER aggregate_state_from_ledger AFTER INSERT OR UPDATE ON aggregate_state
      DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION aggregate_state_from_ledger()`);
    await queryRunner.query(`
      CREATE FUNCTION aggregate_state_refuse_removal() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'aggregate_state: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'a state is replaced by the one its next entry gives, never removed';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER aggregate_state_refuse_delete BEFORE DELETE ON aggregate_state
      FOR EACH ROW EXECUTE FUNCTION aggregate_state_refuse_removal()`);
    await queryRunner.query(`
      CREATE TRIGGER aggregate_state_refuse_truncate BEFORE TRUNCATE ON aggregate_state
      FOR EACH STATEMENT EXECUTE FUNCTION aggregate_state_refuse_removal()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER aggregate_state_refuse_truncate ON aggregate_state');
    await queryRunner.query('DROP TRIGGER aggregate_state_refuse_delete ON aggregate_state');
    await queryRunner.query('DROP FUNCTION aggregate_state_refuse_removal()');
    await queryRunner.query('DROP TRIGGER aggregate_state_from_ledger ON aggregate_state');
    await queryRunner.query('DROP FUNCTION aggregate_state_from_ledger()');
    await queryRunner.query('ALTER TABLE aggregate_state DROP COLUMN last_chain');
  }
}
