import type { MigrationInterface, QueryRunner } from 'typeorm';

/** notary_anchor: the latest anchor of each chain (a projection of the notary's own ledger). */
export class NotaryAnchors1764000020000 implements MigrationInterface {
  name = 'NotaryAnchors1764000020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE notary_anchor (
        chain       text        PRIMARY KEY,
        anchor_seq  bigint      NOT NULL,
        tree_size   bigint      NOT NULL,
        root        text        NOT NULL,
        anchored_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE notary_anchor');
  }
}
