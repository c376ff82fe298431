import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the department kit keeps beside the ledger:
 * - operator_token: bearer tokens, stored as SHA-256 of the secret only (a
 *   stolen table lets no one in), with role, optional scope (a bank, an
 *   institution), expiry and revocation;
 * - aggregate_state: the state each aggregate's decider folded from its own
 *   entries, written in the append transaction. A projection: it can always
 *   be rebuilt from the ledger, which stays the only truth.
 */
export class KitSchema1764000002000 implements MigrationInterface {
  name = 'KitSchema1764000002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE operator_token (
        id          uuid        PRIMARY KEY,
        token_hash  bytea       NOT NULL UNIQUE CHECK (octet_length(token_hash) = 32),
        operator    text        NOT NULL,
        role        text        NOT NULL CHECK (role IN ('admin', 'clerk', 'auditor')),
        scope       text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        created_by  text        NOT NULL,
        expires_at  timestamptz NOT NULL,
        revoked_at  timestamptz,
        revoked_by  text
      )`);
    await queryRunner.query(`
      CREATE TABLE aggregate_state (
        aggregate text   NOT NULL,
        subject   text   NOT NULL,
        state     jsonb  NOT NULL,
        last_seq  bigint NOT NULL,
        PRIMARY KEY (aggregate, subject)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE aggregate_state');
    await queryRunner.query('DROP TABLE operator_token');
  }
}
