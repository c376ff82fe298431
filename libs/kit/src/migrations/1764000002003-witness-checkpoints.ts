import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * witness_checkpoint: what this department, as a C2SP tlog-witness, has
 * cosigned of each origin — a row per checkpoint that moved an origin on,
 * with the notary's signed note it cosigned (the evidence). The latest row
 * is the witness's state. Rows are never changed or removed, and a new row
 * of an origin must be larger than every row before it: a witness that
 * could go back could cosign a fork.
 */
export class WitnessCheckpoints1764000002003 implements MigrationInterface {
  name = 'WitnessCheckpoints1764000002003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE witness_checkpoint (
        origin       text        NOT NULL CHECK (length(origin) BETWEEN 1 AND 300),
        tree_size    bigint      NOT NULL CHECK (tree_size >= 0),
        root         bytea       NOT NULL CHECK (octet_length(root) = 32),
        note         text        NOT NULL,
        recorded_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (origin, tree_size)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION witness_checkpoint_only_larger() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        largest bigint;
      BEGIN
        SELECT max(tree_size) INTO largest FROM witness_checkpoint WHERE origin = NEW.origin;
        IF largest IS NOT NULL AND NEW.tree_size <= largest THEN
          RAISE EXCEPTION 'witness state of % may only grow: % is not larger than %', NEW.origin, NEW.tree_size, largest
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER witness_checkpoint_only_larger BEFORE INSERT ON witness_checkpoint
      FOR EACH ROW EXECUTE FUNCTION witness_checkpoint_only_larger()`);
    await queryRunner.query(`
      CREATE TRIGGER witness_checkpoint_refuse_update_delete BEFORE UPDATE OR DELETE ON witness_checkpoint
      FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER witness_checkpoint_refuse_truncate BEFORE TRUNCATE ON witness_checkpoint
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE witness_checkpoint');
    await queryRunner.query('DROP FUNCTION witness_checkpoint_only_larger');
  }
}
