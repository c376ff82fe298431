import type { EntityManager } from 'typeorm';

/** What a policy needs of a verified entry: whose chain, where in it, what type, and the time it claims. */
export interface GovernedEntry {
  chain: string;
  seq: number;
  type: string;
  time: Date;
}

/** What the owner's grants let this consumer keep of an entry. */
export type AccessDecision =
  | { kind: 'allow'; grantIds?: readonly string[] }
  | { kind: 'redact'; fields: readonly string[]; grantIds?: readonly string[] }
  | { kind: 'deny'; reason: string };

/** The consumer pipeline's access hook (libs/bus calls it for every verified, in-order entry). */
export interface AccessPolicy<Entry extends GovernedEntry = GovernedEntry> {
  decide(entry: Entry): AccessDecision;
  /**
   * Sees every verified entry in chain order (grants are ledger entries),
   * inside the apply transaction, with its validated data when this consumer
   * kept any (control entries always).
   */
  observe?(entry: Entry, data: Record<string, unknown> | undefined, manager: EntityManager): Promise<void> | void;
  /**
   * Whether observing this entry may change later decisions (a grant issued
   * or revoked). Such an entry is applied in a transaction of its own: if a
   * transaction fails, what `observe` did in memory is not undone, and no
   * other entry may then be decided again under it. A policy that observes
   * without saying is taken to change with every entry.
   */
  changesWith?(entry: Entry): boolean;
}

/** For tests and tools that want everything (departments use the grant policy: default deny). */
export const allowEverything: AccessPolicy = { decide: () => ({ kind: 'allow' }) };
