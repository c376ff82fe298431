import type { MigrationInterface, QueryRunner } from 'typeorm';

/** query_audit: every query another department asked this one, answered or refused, and which fields left. */
export class QueryAudit1764000002001 implements MigrationInterface {
  name = 'QueryAudit1764000002001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE query_audit (
        id          bigserial   PRIMARY KEY,
        request_id  uuid        NOT NULL,
        requester   text        NOT NULL,
        query       text        NOT NULL,
        params      jsonb       NOT NULL,
        outcome     text        NOT NULL CHECK (outcome IN ('answered', 'refused')),
        fields      text[]      NOT NULL,
        code        text,
        reason      text,
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TRIGGER query_audit_refuse_update_delete BEFORE UPDATE OR DELETE ON query_audit
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE query_audit');
  }
}
