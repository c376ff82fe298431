/** Chains whose mirror any department may have: the notary's anchors are public by design. */
const PUBLIC_CHAIN_OWNERS: readonly string[] = ['notary'];

/**
 * Whether a department's mirror of a chain of `owner` is given to
 * `requester`: to the owner, to rebuild its lost ledger; a public chain to
 * any department, so a recovery can hold its rebuilt tree to the anchors.
 */
export const mayReadMirror = (requester: string, owner: string | undefined): boolean =>
  requester === owner || (owner !== undefined && PUBLIC_CHAIN_OWNERS.includes(owner));
