import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay puts each command's idempotency key on the Kafka record of the
 * command's last entry, so a department recovered from its topic answers a
 * retried request as before instead of appending it twice. It finds the key
 * by that last seq.
 */
export class IdempotencyByLastSeq1764000000003 implements MigrationInterface {
  name = 'IdempotencyByLastSeq1764000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX ledger_idempotency_by_last_seq ON ledger_idempotency (chain, last_seq)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ledger_idempotency_by_last_seq');
  }
}
