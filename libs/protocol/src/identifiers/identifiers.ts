import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';

/**
 * Department and chain ids, parsed and printed here only. A department id is
 * a lower-case name (`land`, `credit`); a chain is a department's ledger,
 * either unsharded (`land`, carried on partition 0) or one of its shards
 * (`land/3`, on partition 3). Every other module asks this one rather than
 * matching or splitting the text itself, so the rule cannot drift.
 */
const DEPT = '[a-z][a-z0-9-]{0,30}';
const SHARD = '0|[1-9][0-9]{0,3}';

export const DEPARTMENT_PATTERN = new RegExp(`^${DEPT}$`);
/** Shard numbers are the Kafka partition; a department is either unsharded (`land` → 0) or sharded (`land/1`, …). */
export const CHAIN_PATTERN = new RegExp(`^(${DEPT})(?:/(${SHARD}))?$`);
/** A shard of a sharded ledger, never the unsharded form (`diploma/1`). */
export const SHARD_CHAIN_PATTERN = new RegExp(`^(${DEPT})/(${SHARD})$`);
export const SOURCE_PATTERN = new RegExp(`^urn:gov:(${DEPT})$`);
/** The department part, for composing other patterns (event types). */
export const DEPARTMENT_PATTERN_SOURCE = DEPT;

export interface ChainId {
  department: string;
  /** Absent for an unsharded ledger. */
  shard?: number;
}

export const isDepartmentId = (text: string) => DEPARTMENT_PATTERN.test(text);

/** `land` → {department: 'land'}; `land/3` → {department: 'land', shard: 3}; anything else → undefined. */
export function parseChain(chain: string): ChainId | undefined {
  const match = CHAIN_PATTERN.exec(chain);
  if (!match) return undefined;
  return match[2] === undefined ? { department: match[1]! } : { department: match[1]!, shard: Number(match[2]) };
}

/** parseChain, or a ProtocolError naming the attribute. */
export function requireChain(chain: string, attribute = 'chain'): ChainId {
  const parsed = parseChain(chain);
  if (!parsed) {
    throw new ProtocolError(
      ProtocolErrorCode.BAD_ATTRIBUTE,
      `'${chain}' is not a chain id (<dept> or <dept>/<shard>)`,
      attribute,
    );
  }
  return parsed;
}

export const departmentOfChain = (chain: string) => parseChain(chain)?.department;
/** The shard of a sharded chain; undefined for an unsharded one (or a malformed id). */
export const shardOfChain = (chain: string) => parseChain(chain)?.shard;
/** The partition that carries a chain: its shard, or 0 for an unsharded ledger. */
export const partitionOfChain = (chain: string) => requireChain(chain).shard ?? 0;

/** The inverse of parseChain. */
export function formatChain(id: ChainId): string {
  if (!DEPARTMENT_PATTERN.test(id.department)) throw new Error(`'${id.department}' is not a department id`);
  if (id.shard === undefined) return id.department;
  if (!Number.isInteger(id.shard) || id.shard < 0 || id.shard > 9999) throw new Error(`'${id.shard}' is not a shard`);
  return `${id.department}/${id.shard}`;
}

export const sourceOf = (department: string) => `urn:gov:${department}`;
export const departmentOfSource = (source: string) => SOURCE_PATTERN.exec(source)?.[1];
