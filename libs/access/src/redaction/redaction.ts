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

/** Where one field of a query's answer comes from: a field path of the data of entries of one type. */
export interface FieldSource {
  type: string;
  /** Dotted, arrays walked through: `owners.ownerId` is the ownerId of each of the owners. */
  path: string;
}

/**
 * A query answer's fields by dotted path (arrays walked through), each with
 * the entry fields it is built from. A path inside the answer that no
 * declared path covers is never given: an answer carries nothing whose
 * origin the grants were not asked about.
 */
export type AnswerSources = Readonly<Record<string, readonly FieldSource[]>>;

/**
 * The redaction rule on field paths, the consumers' rule carried into
 * nested data: granted fields cover a path when they are `*`, name the path
 * itself, or name a field the path lies inside (a grant of `owners` gives
 * `owners.ownerId`; a grant of `owners.share` gives neither `owners` whole
 * nor `owners.ownerId`).
 */
export function coversPath(fields: GrantedFields, path: string): boolean {
  if (fields === '*') return true;
  return fields.some((field) => path === field || path.startsWith(`${field}.`));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Builds a query's answer only from fields whose every source the grants
 * cover: `fieldsOf(type)` is what the covering grants give of `type`. A
 * declared path that is covered is kept whole; an object or array is walked
 * into; what is left empty by the walk is dropped (no `[{}]` counting hidden
 * rows). Returns the answer and the answer paths it kept, sorted.
 */
export function withinSources(
  answer: Record<string, unknown>,
  sources: AnswerSources,
  fieldsOf: (type: string) => GrantedFields,
): { answer: Record<string, unknown>; given: string[] } {
  const given = new Set<string>();
  const covered = (path: string) => sources[path]!.every((source) => coversPath(fieldsOf(source.type), source.path));
  const walk = (value: unknown, path: string): unknown => {
    if (path in sources) {
      if (!covered(path)) return undefined;
      given.add(path);
      return value;
    }
    if (Array.isArray(value)) {
      const kept = value.map((item) => walk(item, path)).filter((item) => item !== undefined);
      return kept.length > 0 ? kept : undefined;
    }
    if (isRecord(value)) {
      const kept = Object.entries(value).flatMap(([key, child]) => {
        const walked = walk(child, path ? `${path}.${key}` : key);
        return walked === undefined ? [] : [[key, walked] as const];
      });
      return kept.length > 0 ? Object.fromEntries(kept) : undefined;
    }
    return undefined;
  };
  const built = walk(answer, '');
  return { answer: isRecord(built) ? built : {}, given: [...given].sort() };
}
