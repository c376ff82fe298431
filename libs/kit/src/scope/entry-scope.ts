import { fieldByKey, type SqlQueryable, type StoredEntry } from '@registry-bus/ledger';
import { parseDisclosure, parseStrictJsonBytes } from '@registry-bus/protocol';

import type { Operator } from '../auth/operator-token.js';
import { ProblemError } from '../problems/problem-details.js';

/**
 * How a department reads whom an entry of its ledger belongs to, for
 * operators scoped to one owner (a bank's clerk, an institution's
 * registrar). `ownerField` names the owner in the entry's data (`bankId`);
 * `via` lists entries that name it only through what they are about (a
 * pledge's activation names the pledge, whose request names the bank).
 */
export interface EntryScope {
  ownerField: string;
  via?: ReadonlyArray<{ field: string; createdBy: string }>;
}

/** Whether the operator sees every owner's data: admins and unscoped staff do. */
export function seesEveryOwner(operator: Pick<Operator, 'role' | 'scope'>): boolean {
  return operator.role === 'admin' || operator.scope === null;
}

function fieldsOf(entry: StoredEntry): Record<string, unknown> {
  if (!entry.disclosure) return {};
  return parseDisclosure(parseStrictJsonBytes(entry.disclosure, 'a stored disclosure')).fields;
}

/**
 * The one scope rule of a department, applied by every route that returns
 * entries or what they say: a scoped operator sees only what belongs to its
 * owner. An entry whose owner cannot be read (control entries, erased data,
 * a department that declares no scope) belongs to no one a scoped operator
 * acts for, so it is withheld: what is not known to be theirs is not shown.
 */
export class ScopeRule {
  constructor(
    private readonly department: string,
    private readonly db: SqlQueryable,
    private readonly scope: EntryScope | undefined,
  ) {}

  /** The owner of each entry (same order), or null when none can be read. */
  async ownersOf(entries: readonly StoredEntry[]): Promise<Array<string | null>> {
    const scope = this.scope;
    if (!scope) return entries.map(() => null);
    const fields = entries.map(fieldsOf);
    const owners = fields.map((data) => {
      const owner = data[scope.ownerField];
      return typeof owner === 'string' ? owner : null;
    });
    for (const via of scope.via ?? []) {
      const pending = fields.flatMap((data, i) => {
        const key = data[via.field];
        return owners[i] === null && typeof key === 'string' ? [key] : [];
      });
      const found = await fieldByKey(this.db, {
        department: this.department,
        type: via.createdBy,
        key: via.field,
        field: scope.ownerField,
        values: [...new Set(pending)],
      });
      fields.forEach((data, i) => {
        const key = data[via.field];
        if (owners[i] === null && typeof key === 'string') owners[i] = found.get(key) ?? null;
      });
    }
    return owners;
  }

  /** The entries the operator may see, in order. */
  async visible<T extends StoredEntry>(operator: Operator, entries: readonly T[]): Promise<T[]> {
    if (seesEveryOwner(operator)) return [...entries];
    const owners = await this.ownersOf(entries);
    return entries.filter((_entry, i) => owners[i] === operator.scope);
  }

  /**
   * Refuses (403 naming `field`) an entry that is not the operator's owner's,
   * without saying whose it is: the refusal tells no more than a receipt would.
   */
  async assertVisible(operator: Operator, entry: StoredEntry, field: string): Promise<void> {
    if (seesEveryOwner(operator)) return;
    const [owner] = await this.ownersOf([entry]);
    if (owner === operator.scope) return;
    throw new ProblemError(
      403,
      'AUTH.OUT_OF_SCOPE',
      'Not allowed',
      `${operator.operator} acts for ${operator.scope}; entry ${entry.seq} of ${entry.chain} is not one of its entries`,
      [{ field, reason: `must be an entry of ${operator.scope}` }],
    );
  }

  /** Routes that hand out the whole ledger (its export) are for staff who see every owner. */
  assertSeesEveryOwner(operator: Operator, what: string): void {
    if (seesEveryOwner(operator)) return;
    throw new ProblemError(
      403,
      'AUTH.OUT_OF_SCOPE',
      'Not allowed',
      `${operator.operator} acts for ${operator.scope} only; ${what} holds every owner's entries`,
    );
  }
}
