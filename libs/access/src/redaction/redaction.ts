import type { GrantIssuedData } from '../grants/grant.js';

/** What a reader may have of a record: every field, or these top-level fields. */
export type GrantedFields = '*' | string[];

/**
 * The redaction rule: the fields the covering grants let their grantee
 * have. Grants add up — one `*` grant gives every field, otherwise the
 * union of their lists (sorted, each once). No covering grant, no fields.
 */
export function grantedFields(covering: Iterable<Pick<GrantIssuedData, 'fields'>>): GrantedFields {
  const grants = [...covering];
  if (grants.some((grant) => grant.fields === '*')) return '*';
  return [...new Set(grants.flatMap((grant) => grant.fields as string[]))].sort();
}

/** Keeps only the granted top-level fields of a record (a query's answer). */
export function withinFields(
  answer: Record<string, unknown>,
  fields: '*' | readonly string[],
): Record<string, unknown> {
  if (fields === '*') return answer;
  return Object.fromEntries(Object.entries(answer).filter(([key]) => fields.includes(key)));
}

/**
 * The fields the grants took from a reader's copy of an entry: withheld in
 * what it kept, though the owner had disclosed them (sorted). The owner's own
 * withholding is not the grants' doing and is not counted.
 */
export function removedByGrants(
  ownerWithheld: Readonly<Record<string, unknown>>,
  keptWithheld: Readonly<Record<string, unknown>>,
): string[] {
  return Object.keys(keptWithheld)
    .filter((field) => !(field in ownerWithheld))
    .sort();
}

/** Why a reader got only some fields, as the access audit records it. */
export const redactionReason = (fields: readonly string[]): string =>
  `the grants allow only: ${fields.join(', ') || 'no fields'}`;
