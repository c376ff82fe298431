import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * credit_pledge: where each pledge is (parcel, bank, status), so a bank can
 * address a pledge by its id and list its own. A projection of the ledger,
 * written in the append transaction.
 */
export class CreditReadModels1764000010000 implements MigrationInterface {
  name = 'CreditReadModels1764000010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE credit_pledge (
        pledge_id       text   PRIMARY KEY,
        cadastral_number text  NOT NULL,
        bank_id         text   NOT NULL,
        status          text   NOT NULL,
        last_seq        bigint NOT NULL
      )`);
    await queryRunner.query('CREATE INDEX credit_pledge_by_bank ON credit_pledge (bank_id, pledge_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE credit_pledge');
  }
}
