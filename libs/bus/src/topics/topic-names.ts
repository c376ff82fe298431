/**
 * Topic names (DESIGN.md, "Names"), with an optional namespace prefix: a
 * deployment or a test run can put every topic under `<namespace>` (e.g.
 * `test-3f2a.`) and share a broker with others without seeing their data.
 * The protocol itself only ever sees the name without the namespace.
 */
import { formatChain, ledgerTopicOf, legacyLedgerTopicOf, requireChain } from '@registry-bus/protocol';

/** A department's ledger topic, of the current generation (`gov.<dept>.ledger.v2`, see ledgerTopicOf). */
export const ledgerTopic = (department: string, namespace = '') => `${namespace}${ledgerTopicOf(department)}`;
/** Its generation 1 topic (every field in clear): its owner republishes it to the current one, then deletes it. */
export const legacyLedgerTopic = (department: string, namespace = '') =>
  `${namespace}${legacyLedgerTopicOf(department)}`;
export const quarantineTopic = (department: string, namespace = '') => `${namespace}gov.${department}.quarantine`;
export const requestsTopic = (department: string, namespace = '') => `${namespace}gov.${department}.requests`;
export const repliesTopic = (department: string, namespace = '') => `${namespace}gov.${department}.replies`;

/** The topic name as the protocol knows it, without the namespace. */
export function withoutNamespace(topic: string, namespace = ''): string {
  if (!topic.startsWith(namespace)) throw new Error(`topic '${topic}' is outside namespace '${namespace}'`);
  return topic.slice(namespace.length);
}

/** `land` → partition 0; `land/3` → partition 3 (a shard is a partition). */
export function chainDestination(
  chain: string,
  namespace = '',
): { department: string; topic: string; partition: number } {
  const { department, shard } = requireChain(chain);
  return { department, topic: ledgerTopic(department, namespace), partition: shard ?? 0 };
}

/** The chain a (ledger topic, partition) carries: partition 0 of an unsharded ledger is the chain `<dept>`. */
export function chainOf(topic: string, partition: number, sharded = false, namespace = ''): string {
  const match = /^gov\.([a-z][a-z0-9-]*)\.ledger\.v2$/.exec(withoutNamespace(topic, namespace));
  if (!match) throw new Error(`'${topic}' is not a ledger topic`);
  return formatChain(sharded ? { department: match[1]!, shard: partition } : { department: match[1]! });
}

/**
 * The consumer groups of a department (all under its group ACL prefix): its
 * followed-ledgers consumer, its query server and its query client.
 */
export function departmentGroups(department: string, namespace = '') {
  const base = `${namespace}registry-bus.${department}`;
  return { following: base, queries: `${base}.queries`, replies: `${base}.replies` };
}
