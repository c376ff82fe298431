import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * access_audit: every entry whose data this consumer did not get whole —
 * denied (no grant covered it) or redacted (fields outside the grants
 * removed) — with the grants that applied and what was removed. Written in
 * the same transaction as the entry itself, append-only like the ledger.
 */
export class AccessAudit1764000001001 implements MigrationInterface {
  name = 'AccessAudit1764000001001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE access_audit (
        id             bigserial   PRIMARY KEY,
        source_chain   text        NOT NULL,
        seq            bigint      NOT NULL,
        event_type     text        NOT NULL,
        decision       text        NOT NULL CHECK (decision IN ('denied', 'redacted')),
        grant_ids      text[]      NOT NULL,
        removed_fields text[]      NOT NULL,
        reason         text        NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source_chain, seq)
      )`);
    await queryRunner.query('CREATE INDEX access_audit_by_time ON access_audit (created_at, id)');
    await queryRunner.query(`
      CREATE TRIGGER access_audit_refuse_update_delete BEFORE UPDATE OR DELETE ON access_audit
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER access_audit_refuse_truncate BEFORE TRUNCATE ON access_audit
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE access_audit');
  }
}
