/**
 * Which lib (or app) owns each table and view: the folder whose migrations
 * create it. Only files inside that folder write SQL naming it (rule
 * `local/no-foreign-table-sql`). When a module moves, change its folder here.
 * The rule's spec checks this map against the migrations' CREATE TABLE/VIEW.
 */
export const TABLE_OWNERS = {
  // libs/ledger/src/migrations
  ledger_entry: 'libs/ledger',
  ledger_entry_data: 'libs/ledger',
  ledger_entry_fields: 'libs/ledger',
  merkle_node: 'libs/ledger',
  ledger_idempotency: 'libs/ledger',
  ledger_chain_head: 'libs/ledger',
  relay_cursor: 'libs/ledger',
  // in its own schema, keystore (issue #28)
  subject_key: 'libs/ledger',
  // libs/bus/src/migrations
  received_entry: 'libs/bus',
  received_entry_data: 'libs/bus',
  received_entry_fields: 'libs/bus',
  consumer_position: 'libs/bus',
  consumer_inbox: 'libs/bus',
  consumer_quarantine: 'libs/bus',
  access_audit: 'libs/bus',
  // libs/kit/src/migrations
  operator_token: 'libs/kit',
  aggregate_state: 'libs/kit',
  query_audit: 'libs/kit',
  trust_bundle_applied: 'libs/kit',
  witness_checkpoint: 'libs/kit',
  operator_audit: 'libs/kit',
  // apps/*/src/migrations
  credit_pledge: 'apps/credit-registry',
  notary_anchor: 'apps/notary',
  checkpoint_cosignature: 'apps/notary',
};

/**
 * Files allowed to name another lib's table. Empty since #21 moved every
 * such statement into its owner's reader; nothing new goes here — give the
 * owner a reader instead.
 */
export const FOREIGN_TABLE_ALLOWLIST = {};
