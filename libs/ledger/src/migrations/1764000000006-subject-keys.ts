import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The department's subject keys (issue #28), each wrapped under its
 * key-encryption key (see subject-keys/subject-key-wrap.ts): the key of a
 * parcel or a person, from which the field keys of its encrypted values are
 * derived. The bus carries only ciphertext, so these rows are the one thing a
 * recovery from the topic cannot rebuild.
 *
 * Hence a schema of its own: an operator who restores the ledger from the bus
 * drops and recreates schema `public` (and its `migrations` table), and the
 * keys must survive that. The migrations then run again from the first, so
 * this one is written to find its schema already there (IF NOT EXISTS, OR
 * REPLACE) and leave the rows alone.
 *
 * The writer role may read and add keys, nothing more. A key is never
 * rewritten: a trigger refuses UPDATE and TRUNCATE for everybody, the owner
 * included. Destroying a subject's key is how its fields are erased
 * (issue #29); that will come only through a SECURITY DEFINER erasure
 * function of a later migration, which records why, never as a DELETE the
 * app can issue (it holds no DELETE privilege here).
 */
export class SubjectKeys1764000000006 implements MigrationInterface {
  name = 'SubjectKeys1764000000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS keystore`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS keystore.subject_key (
        subject text PRIMARY KEY CHECK (length(subject) BETWEEN 1 AND 200),
        kek_id text NOT NULL,
        nonce bytea NOT NULL CHECK (octet_length(nonce) = 12),
        wrapped bytea NOT NULL CHECK (octet_length(wrapped) = 48),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION keystore.refuse_rewrite() RETURNS trigger
      LANGUAGE plpgsql
      SET search_path = pg_catalog, pg_temp
      AS $$
      BEGIN
        RAISE EXCEPTION 'keystore table % is never rewritten: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege',
                HINT = 'a subject key is written once; erasing one is the erasure function''s job';
      END
      $$`);
    // Statement-level: TRUNCATE fires no row triggers, and an UPDATE matching no row is refused all the same.
    await queryRunner.query(`
      CREATE OR REPLACE TRIGGER subject_key_refuse_rewrite BEFORE UPDATE OR TRUNCATE ON keystore.subject_key
      FOR EACH STATEMENT EXECUTE FUNCTION keystore.refuse_rewrite()`);
    await queryRunner.query(`
      DO $$
      DECLARE
        writer text := left(current_database(), 56) || '_writer';
      BEGIN
        EXECUTE format('GRANT USAGE ON SCHEMA keystore TO %I', writer);
        EXECUTE format('GRANT SELECT, INSERT ON keystore.subject_key TO %I', writer);
      END
      $$`);
  }

  /** Reverting would destroy every subject key, so every encrypted field with it: refused while any key exists. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DO $$
      BEGIN
        IF EXISTS (SELECT 1 FROM keystore.subject_key) THEN
          RAISE EXCEPTION 'keystore.subject_key holds subject keys: dropping it would make every encrypted field unreadable'
            USING ERRCODE = 'object_in_use';
        END IF;
      END
      $$`);
    await queryRunner.query(`DROP TABLE keystore.subject_key`);
    await queryRunner.query(`DROP FUNCTION keystore.refuse_rewrite()`);
    await queryRunner.query(`
      DO $$
      BEGIN
        EXECUTE format('REVOKE ALL ON SCHEMA keystore FROM %I', left(current_database(), 56) || '_writer');
      END
      $$`);
    await queryRunner.query(`DROP SCHEMA keystore`);
  }
}
