import { GrantBook } from '../book/grant-book.js';

/** An entry of the owner's chain, as the release rule needs it. */
export interface ReleaseCandidate {
  seq: number;
  type: string;
  time: Date;
  /** The fields sealed on the wire (not public for its type). */
  sealed: readonly string[];
}

/** A grant entry of the same chain: where in the chain a grant or a revocation took effect. */
export interface GrantEntryAt {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

/**
 * Which sealed fields of which entries the owner releases keys for to
 * `grantee` (issue #28): at each entry's position in the chain, by the grants
 * the chain held before it — the very rule every follower applies to the
 * stream (GrantBook), so a grant opens exactly its fields, and a revocation
 * closes every later entry, also of a subject the grantee has seen before. An
 * entry before a grant, or after its revocation, gets nothing. Pure.
 */
export function releasableFields(
  owner: string,
  grantee: string,
  chain: string,
  grantEntries: readonly GrantEntryAt[],
  candidates: readonly ReleaseCandidate[],
): Array<{ seq: number; fields: string[] }> {
  const book = new GrantBook();
  const grants = [...grantEntries].sort((a, b) => a.seq - b.seq);
  let next = 0;
  const released: Array<{ seq: number; fields: string[] }> = [];
  for (const entry of [...candidates].sort((a, b) => a.seq - b.seq)) {
    while (next < grants.length && grants[next]!.seq < entry.seq) {
      const grant = grants[next++]!;
      book.apply(owner, grant.seq, grant.type, grant.data, chain);
    }
    const decision = book.decide(owner, grantee, entry.type, entry.time, chain);
    if (decision.kind === 'deny') continue;
    const fields =
      decision.kind === 'allow' ? [...entry.sealed] : entry.sealed.filter((field) => decision.fields.includes(field));
    if (fields.length > 0) released.push({ seq: entry.seq, fields: [...fields].sort() });
  }
  return released;
}
