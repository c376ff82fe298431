import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The department's own ledger: entries (the exact canonical envelope bytes
 * that were hashed, plus signature), their data with salts in a separate
 * table (a lawful erasure can later remove a value without touching the
 * envelope), the stored Merkle tree, and idempotency keys.
 *
 * Query columns (chain, seq, id, type, subject, time) are copies of values
 * inside `envelope`, written by the same code that produced the bytes; the
 * bytes are the record and verifyChain reads only them.
 */
export class LedgerSchema1764000000000 implements MigrationInterface {
  name = 'LedgerSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ledger_entry (
        chain       text        NOT NULL,
        seq         bigint      NOT NULL CHECK (seq >= 1),
        id          uuid        NOT NULL,
        type        text        NOT NULL,
        subject     text        NOT NULL,
        time        timestamptz NOT NULL,
        hash        bytea       NOT NULL CHECK (octet_length(hash) = 32),
        envelope    bytea       NOT NULL,
        sig         bytea       NOT NULL,
        keyid       text        NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (chain, seq),
        CONSTRAINT ledger_entry_id_unique UNIQUE (id)
      )`);
    await queryRunner.query(`CREATE INDEX ledger_entry_by_subject ON ledger_entry (chain, subject, seq)`);
    await queryRunner.query(`CREATE INDEX ledger_entry_by_type ON ledger_entry (chain, type, seq)`);

    await queryRunner.query(`
      CREATE TABLE ledger_entry_data (
        chain      text   NOT NULL,
        seq        bigint NOT NULL,
        disclosure bytea  NOT NULL,
        PRIMARY KEY (chain, seq),
        FOREIGN KEY (chain, seq) REFERENCES ledger_entry (chain, seq)
      )`);

    // Hashes of complete subtrees of each chain's RFC 6962 tree: (level, idx)
    // covers leaves [idx * 2^level, (idx + 1) * 2^level). Written once, never changed.
    await queryRunner.query(`
      CREATE TABLE merkle_node (
        chain text     NOT NULL,
        level smallint NOT NULL CHECK (level >= 0 AND level < 64),
        idx   bigint   NOT NULL CHECK (idx >= 0),
        hash  bytea    NOT NULL CHECK (octet_length(hash) = 32),
        PRIMARY KEY (chain, level, idx)
      )`);

    await queryRunner.query(`
      CREATE TABLE ledger_idempotency (
        chain          text        NOT NULL,
        key            text        NOT NULL,
        request_digest bytea       NOT NULL,
        first_seq      bigint      NOT NULL,
        last_seq       bigint      NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (chain, key)
      )`);

    // The head of each chain is its last entry; a view, not a second copy that could disagree.
    await queryRunner.query(`
      CREATE VIEW ledger_chain_head AS
        SELECT DISTINCT ON (chain) chain, seq, hash, time
        FROM ledger_entry
        ORDER BY chain, seq DESC`);

    await queryRunner.query(`
      CREATE TABLE relay_cursor (
        chain         text        PRIMARY KEY,
        published_seq bigint      NOT NULL DEFAULT 0,
        published_at  timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE relay_cursor`);
    await queryRunner.query(`DROP VIEW ledger_chain_head`);
    await queryRunner.query(`DROP TABLE ledger_idempotency`);
    await queryRunner.query(`DROP TABLE merkle_node`);
    await queryRunner.query(`DROP TABLE ledger_entry_data`);
    await queryRunner.query(`DROP TABLE ledger_entry`);
  }
}
