import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * checkpoint_cosignature: the witnesses' C2SP cosignatures of the notary's
 * checkpoints, each checked under the trust bundle before it is kept — a row
 * per chain, tree size and witness. They are not ledger entries (every chain
 * would move every interval for ever); the notary keeps them, append-only,
 * and serves them with its checkpoints. A cosignature carries its witness's
 * signature: the notary can withhold one, never forge one.
 */
export class CheckpointCosignatures1764000020002 implements MigrationInterface {
  name = 'CheckpointCosignatures1764000020002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE checkpoint_cosignature (
        chain        text        NOT NULL,
        tree_size    bigint      NOT NULL CHECK (tree_size >= 1),
        root         bytea       NOT NULL CHECK (octet_length(root) = 32),
        witness      text        NOT NULL,
        cosigned_at  bigint      NOT NULL CHECK (cosigned_at >= 0),
        line         text        NOT NULL,
        received_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (chain, tree_size, witness)
      )`);
    await queryRunner.query(
      'CREATE INDEX checkpoint_cosignature_witness ON checkpoint_cosignature (chain, witness, tree_size)',
    );
    await queryRunner.query(`
      CREATE TRIGGER checkpoint_cosignature_refuse_update_delete BEFORE UPDATE OR DELETE ON checkpoint_cosignature
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER checkpoint_cosignature_refuse_truncate BEFORE TRUNCATE ON checkpoint_cosignature
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE checkpoint_cosignature');
  }
}
