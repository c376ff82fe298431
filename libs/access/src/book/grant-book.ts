import { grantsCovering } from '../grants/grant-rule.js';
import { grantIssuedType, grantRevokedType, type Grant, type GrantIssuedData } from '../grants/grant.js';
import { grantedFields } from '../redaction/redaction.js';

export type GrantDecision =
  | { kind: 'allow'; grantIds: string[] }
  | { kind: 'redact'; fields: string[]; grantIds: string[] }
  | { kind: 'deny'; reason: string };

/**
 * Every grant every owner issued, in the order of its owner's chain. Pure and
 * deterministic: two consumers that saw the same entries decide the same.
 * A grant counts from the entry after it, a revocation likewise — exactly at
 * their positions in the owner's stream, whatever the clocks say; the
 * validity window is checked against the entry's own time as a second bound.
 *
 * A sharded owner records each grant in every shard (one transaction); the
 * book keeps the grants per chain (`scope`, the chain the entry came from),
 * so an entry of `land/1` is decided by the grants at their positions in
 * `land/1` — its own order, whatever the follower applied of `land/0`.
 */
export class GrantBook {
  /** Per chain (`land`, or a shard `land/1`): grant id → grant. */
  private readonly byChain = new Map<string, Map<string, Grant>>();

  /**
   * Applies a control entry of `owner`'s chain `scope` (default: the owner's
   * only chain); other entries are ignored. Returns whether it was a grant entry.
   */
  apply(owner: string, seq: number, type: string, data: Record<string, unknown>, scope = owner): boolean {
    if (type === grantIssuedType(owner)) {
      const issued = data as unknown as GrantIssuedData;
      const grants = this.byChain.get(scope) ?? new Map<string, Grant>();
      this.byChain.set(scope, grants);
      // A grant id is issued once; a repeated id (a replay) never widens an existing grant.
      if (!grants.has(issued.grantId)) {
        grants.set(issued.grantId, {
          owner,
          grantId: issued.grantId,
          grantee: issued.grantee,
          eventTypes: [...issued.eventTypes],
          fields: issued.fields === '*' ? '*' : [...issued.fields],
          purpose: issued.purpose,
          validFrom: issued.validFrom,
          ...(issued.validUntil ? { validUntil: issued.validUntil } : {}),
          ...(issued.basis ? { basis: { ...issued.basis } } : {}),
          issuedSeq: seq,
        });
      }
      return true;
    }
    if (type === grantRevokedType(owner)) {
      const grant = this.byChain.get(scope)?.get(String(data.grantId));
      if (grant && !grant.revoked) grant.revoked = { seq, reason: String(data.reason) };
      return true;
    }
    return false;
  }

  /** What `grantee` may have of an entry of `owner` (its chain `scope`) of this type and time. Default: deny. */
  decide(owner: string, grantee: string, type: string, time: Date, scope = owner): GrantDecision {
    const active = grantsCovering(
      [...(this.byChain.get(scope)?.values() ?? [])].filter((grant) => grant.grantee === grantee && !grant.revoked),
      type,
      time,
    );
    if (active.length === 0) {
      return { kind: 'deny', reason: `no grant from ${owner} to ${grantee} covers ${type} at ${time.toISOString()}` };
    }
    const grantIds = active.map((grant) => grant.grantId).sort();
    const fields = grantedFields(active);
    return fields === '*' ? { kind: 'allow', grantIds } : { kind: 'redact', fields, grantIds };
  }

  /** Grants to `grantee` from every owner (revoked ones included, marked; a sharded owner's once, as its first shard has it). */
  receivedBy(grantee: string): Grant[] {
    const seen = new Set<string>();
    return [...this.byChain.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([, grants]) => [...grants.values()])
      .filter((grant) => {
        const key = `${grant.owner}\u0000${grant.grantId}`;
        if (grant.grantee !== grantee || seen.has(key)) return false;
        seen.add(key);
        return true;
      })
      .sort((a, b) => a.owner.localeCompare(b.owner) || a.issuedSeq - b.issuedSeq);
  }

  /** Grants `owner` gave, in the order its chain holds them (revoked ones included, marked; a sharded owner's once). */
  givenBy(owner: string): Grant[] {
    const seen = new Set<string>();
    return [...this.byChain.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([, grants]) => [...grants.values()])
      .filter((grant) => {
        if (grant.owner !== owner || seen.has(grant.grantId)) return false;
        seen.add(grant.grantId);
        return true;
      })
      .sort((a, b) => a.issuedSeq - b.issuedSeq);
  }

  /** Owner → grantees holding at least one unrevoked grant (for broker ACLs). */
  activePairs(): Array<{ owner: string; grantee: string }> {
    const pairs = new Set<string>();
    // A shard that has not applied a revocation yet still reads under the grant: the pair stays until every shard has.
    for (const grants of this.byChain.values()) {
      for (const grant of grants.values()) if (!grant.revoked) pairs.add(`${grant.owner}\u0000${grant.grantee}`);
    }
    return [...pairs].sort().map((pair) => {
      const [owner, grantee] = pair.split('\u0000') as [string, string];
      return { owner, grantee };
    });
  }
}
