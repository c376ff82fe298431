import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger's answer to the guards of state other libs keep beside it
 * (issue #27): whether entry (chain, seq) of `subject` was inserted by the
 * transaction asking. A trigger of security-relevant state (an aggregate's
 * state, an operator token) calls it to refuse a row whose ledger position
 * is not an entry this very transaction wrote, so forging such a row needs a
 * ledger entry too — one that verification and every follower reject
 * without the department's signing key.
 *
 * How "this transaction" is told: the entry must be visible and its xmin one
 * of the asking transaction's own xids. A row inserted inside a savepoint
 * carries the subtransaction's xid, not the top-level one, so comparing with
 * pg_current_xact_id() alone would refuse it; instead the xmin is widened to
 * a full xid next to the top-level one (subtransactions' xids are assigned
 * after their parent's, so never older) and pg_xact_status asked: "in
 * progress" for a visible row means ours, since another transaction's rows
 * become visible only once it committed. Nothing the caller can set (a GUC,
 * a temporary table) takes part, and search_path is pinned so that a
 * temporary table named like ours cannot stand in for it.
 *
 * ledger_chain_of_entry names the chain of a subject's entry at a seq: for
 * migrations that give existing rows their position.
 */
export class WrittenInTransaction1764000000005 implements MigrationInterface {
  name = 'WrittenInTransaction1764000000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION ledger_written_in_transaction(p_chain text, p_seq bigint, p_subject text) RETURNS boolean
      LANGUAGE plpgsql STABLE
      SET search_path = pg_catalog, public, pg_temp
      AS $$
      DECLARE
        top xid8 := pg_current_xact_id_if_assigned();
        written xid;
        ahead bigint;
      BEGIN
        IF top IS NULL OR p_chain IS NULL OR p_seq IS NULL THEN
          RETURN false;
        END IF;
        SELECT e.xmin INTO written FROM public.ledger_entry e
         WHERE e.chain = p_chain AND e.seq = p_seq AND e.subject = p_subject;
        IF NOT FOUND THEN
          RETURN false;
        END IF;
        -- How far the row's xid is past the top-level one, modulo 2^32 (xids wrap; live ones are within 2^31).
        ahead := (written::text::bigint - (top::text::bigint & 4294967295) + 6442450944) % 4294967296 - 2147483648;
        IF ahead < 0 THEN
          RETURN false;
        END IF;
        RETURN pg_xact_status((top::text::bigint + ahead)::text::xid8) = 'in progress';
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION ledger_chain_of_entry(p_seq bigint, p_subject text) RETURNS text
      LANGUAGE sql STABLE
      SET search_path = pg_catalog, public, pg_temp
      AS $$ SELECT min(e.chain) FROM public.ledger_entry e WHERE e.seq = p_seq AND e.subject = p_subject $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP FUNCTION ledger_chain_of_entry(bigint, text)');
    await queryRunner.query('DROP FUNCTION ledger_written_in_transaction(text, bigint, text)');
  }
}
