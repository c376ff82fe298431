import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * trust_bundle_applied keeps the signed bundle it applied and, for one
 * published on the notary's ledger, the position it took force at (issue
 * #24). A restart starts with the newest bundle applied — the file it was
 * started with is older once a bundle arrived on the ledger — and the next
 * bundle is held to it (bundle-succession.ts). Rows before this migration
 * have neither: they were the files the apps started with.
 */
export class TrustBundleContent1764000002008 implements MigrationInterface {
  name = 'TrustBundleContent1764000002008';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE trust_bundle_applied
        ADD COLUMN signed   jsonb,
        ADD COLUMN position text CHECK (position ~ '^[a-z][a-z0-9-]*(/[0-9]+)?@[1-9][0-9]*$')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE trust_bundle_applied DROP COLUMN position, DROP COLUMN signed');
  }
}
