import { departmentOfChain, parseStrictJsonBytes } from '@registry-bus/protocol';
import type { EntityManager } from 'typeorm';

import { GrantBook } from '../book/grant-book.js';
import { isGrantEntry, type Grant } from '../grants/grant.js';
import type { AccessDecision, AccessPolicy, GovernedEntry } from './access-policy.js';

/**
 * The access policy of one consuming department, built from the grant
 * entries of the ledgers it follows. Default deny; control entries (grants,
 * keys, anchors, cosignatures, alarms) always pass, so every consumer sees
 * the same grants and decides the same.
 */
export class GrantPolicy implements AccessPolicy {
  readonly book = new GrantBook();

  constructor(
    /** The consuming department (the grantee). */
    readonly department: string,
    private readonly isControl: (type: string) => boolean,
  ) {}

  decide(entry: GovernedEntry): AccessDecision {
    if (this.isControl(entry.type)) return { kind: 'allow' };
    const owner = departmentOfChain(entry.chain);
    if (!owner) return { kind: 'deny', reason: `'${entry.chain}' is not a chain id` };
    // By the grants as this entry's own chain (shard) carries them, at its position.
    const decision = this.book.decide(owner, this.department, entry.type, entry.time, entry.chain);
    return decision.kind === 'deny'
      ? decision
      : decision.kind === 'allow'
        ? { kind: 'allow', grantIds: decision.grantIds }
        : { kind: 'redact', fields: decision.fields, grantIds: decision.grantIds };
  }

  observe(entry: GovernedEntry, data: Record<string, unknown> | undefined, _manager?: EntityManager): void {
    const owner = departmentOfChain(entry.chain);
    if (owner && data) this.book.apply(owner, entry.seq, entry.type, data, entry.chain);
  }

  changesWith(entry: GovernedEntry): boolean {
    const owner = departmentOfChain(entry.chain);
    return owner !== undefined && isGrantEntry(owner, entry.type);
  }

  received(): Grant[] {
    return this.book.receivedBy(this.department);
  }

  /**
   * Rebuilds the book from the grant entries this consumer kept (libs/bus
   * reads them: `receivedGrantEntries`), so a restarted consumer decides
   * exactly as before.
   */
  load(entries: ReadonlyArray<{ chain: string; seq: number; type: string; disclosure: Uint8Array }>): void {
    for (const entry of entries) {
      const owner = departmentOfChain(entry.chain);
      if (!owner || !isGrantEntry(owner, entry.type)) continue;
      const { fields } = parseStrictJsonBytes(entry.disclosure, 'a received grant') as {
        fields: Record<string, unknown>;
      };
      this.book.apply(owner, entry.seq, entry.type, fields, entry.chain);
    }
  }
}
