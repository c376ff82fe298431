import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operator view asks every few seconds for the newest entries, anchors'
 * cosignatures and alarms: indexes on arrival time keep those questions
 * bounded however long the notary has been running.
 */
export class PortalIndexes1764000020001 implements MigrationInterface {
  name = 'PortalIndexes1764000020001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX received_entry_received_at ON received_entry (received_at)');
    await queryRunner.query('CREATE INDEX ledger_entry_recorded_at ON ledger_entry (recorded_at)');
    await queryRunner.query(
      `CREATE INDEX received_entry_cosigned_at ON received_entry (received_at) WHERE type LIKE 'gov.%.witness.cosigned.v1'`,
    );
    await queryRunner.query(
      `CREATE INDEX received_entry_alarm_at ON received_entry (received_at) WHERE type LIKE 'gov.%.alarm.raised.v1'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of [
      'received_entry_alarm_at',
      'received_entry_cosigned_at',
      'ledger_entry_recorded_at',
      'received_entry_received_at',
    ])
      await queryRunner.query(`DROP INDEX ${index}`);
  }
}
