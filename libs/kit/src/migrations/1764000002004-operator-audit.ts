import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * operator_audit (issue #26): what operators did that is not an entry of
 * the ledger but must be on record — every read of personal data (route,
 * subject, fields), every refusal (403), every operator token issued or
 * revoked — with who (the pseudonymous operator id) and when. Rows are
 * never changed or removed: the triggers refuse UPDATE, DELETE and
 * TRUNCATE, and the app's writer role may only INSERT and SELECT. 401s are
 * not here (an unauthenticated flood must not fill it): they go to the log
 * and a metric.
 */
export class OperatorAudit1764000002004 implements MigrationInterface {
  name = 'OperatorAudit1764000002004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE operator_audit (
        id          bigserial   PRIMARY KEY,
        kind        text        NOT NULL CHECK (kind IN ('read', 'refused', 'token-issued', 'token-revoked')),
        operator    text        NOT NULL CHECK (length(operator) BETWEEN 1 AND 300),
        role        text,
        method      text        NOT NULL,
        route       text        NOT NULL,
        subject     text,
        fields      text[]      NOT NULL DEFAULT '{}',
        status      integer     NOT NULL,
        code        text,
        detail      text,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX operator_audit_subject ON operator_audit (subject, id) WHERE subject IS NOT NULL',
    );
    await queryRunner.query(`
      CREATE TRIGGER operator_audit_refuse_update_delete BEFORE UPDATE OR DELETE ON operator_audit
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER operator_audit_refuse_truncate BEFORE TRUNCATE ON operator_audit
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    // The writer role got UPDATE and DELETE on new tables by default (1764000000002): not on this one.
    await queryRunner.query(`
      DO $$
      DECLARE
        writer text := left(current_database(), 56) || '_writer';
      BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = writer) THEN
          EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON operator_audit FROM %I', writer);
        END IF;
      END
      $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE operator_audit');
  }
}
