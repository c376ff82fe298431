import { departmentOfChain, parseStrictJsonBytes } from '@registry-bus/protocol';
import type { DataSource, EntityManager } from 'typeorm';

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
   * Rebuilds the book from what this consumer kept (grant entries are
   * control entries: always kept, in the same transaction as the position),
   * so a restarted consumer decides exactly as before.
   */
  async load(dataSource: Pick<DataSource, 'query'>): Promise<void> {
    // received_entry is libs/bus's table, read here because libs/bus depends on this lib, not the other way round.
    const rows: Array<{ source_chain: string; seq: string; type: string; disclosure: Buffer }> = await dataSource.query(
      `SELECT e.source_chain, e.seq, e.type, d.disclosure
         FROM received_entry e JOIN received_entry_data d ON d.source_chain = e.source_chain AND d.seq = e.seq
        WHERE e.type LIKE 'gov.%.access.grant-%'
        ORDER BY e.source_chain, e.seq`,
    );
    for (const row of rows) {
      const owner = departmentOfChain(row.source_chain);
      if (!owner || !isGrantEntry(owner, row.type)) continue;
      const { fields } = parseStrictJsonBytes(row.disclosure, 'a received grant') as {
        fields: Record<string, unknown>;
      };
      this.book.apply(owner, Number(row.seq), row.type, fields, row.source_chain);
    }
  }
}
