import { ledgerTopic, legacyLedgerTopic, repliesTopic, requestsTopic } from '../topics/topic-names.js';
import type { AclBinding, AclOperation, TransportAdmin } from '../transport/kafka-transport.js';

/** There is at least one live grant from `owner` to `grantee` (its event types and fields do not matter to the broker). */
export interface BrokerGrant {
  owner: string;
  grantee: string;
}

export interface BrokerAclInput {
  /** Every department with a broker user (its user name is its department id). */
  departments: readonly string[];
  grants: readonly BrokerGrant[];
  namespace?: string;
  /** Reads every ledger, and every department reads its ledger (anchors are public). */
  notary?: string;
}

const CLUSTER = 'kafka-cluster';

function allow(
  principal: string,
  resourceType: AclBinding['resourceType'],
  resourceName: string,
  patternType: AclBinding['patternType'],
) {
  return (operation: AclOperation): AclBinding => ({
    principal: `User:${principal}`,
    host: '*',
    operation,
    permission: 'ALLOW',
    resourceType,
    resourceName,
    patternType,
  });
}

/**
 * The broker's half of access rights, derived from the grants and nothing
 * else: a department may write only its own topics (`gov.<dept>.*`), read a
 * ledger topic of another department only while it holds a grant from it
 * (and then ask it queries; the owner may answer on the grantee's replies
 * topic); the notary reads every ledger and every department reads the
 * notary's. Only owners create their topics. Pure and deterministic: the
 * same grants give the same ACLs.
 */
export function brokerAcls(input: BrokerAclInput): AclBinding[] {
  const ns = input.namespace ?? '';
  const [TOPIC, GROUP, CLUSTER_RESOURCE] = ['TOPIC', 'GROUP', 'CLUSTER'] as const;
  const [LITERAL, PREFIXED] = ['LITERAL', 'PREFIXED'] as const;
  const [READ, WRITE, CREATE, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE] = [
    'READ',
    'WRITE',
    'CREATE',
    'DELETE',
    'DESCRIBE',
    'DESCRIBE_CONFIGS',
    'ALTER_CONFIGS',
    'IDEMPOTENT_WRITE',
  ] as const;
  const reads = new Set<string>();
  for (const { owner, grantee } of input.grants) {
    if (owner !== grantee && input.departments.includes(grantee)) reads.add(`${grantee}\u0000${owner}`);
  }
  if (input.notary) {
    for (const department of input.departments) {
      if (department === input.notary) continue;
      reads.add(`${input.notary}\u0000${department}`);
      reads.add(`${department}\u0000${input.notary}`);
    }
  }
  const acls: AclBinding[] = [];
  for (const department of input.departments) {
    acls.push(
      ...[READ, WRITE, CREATE, DESCRIBE, DESCRIBE_CONFIGS].map(
        allow(department, TOPIC, `${ns}gov.${department}.`, PREFIXED),
      ),
      // Its conversation topics' retention only (an hour: replies carry sealed keys); never its ledger topic's.
      ...[requestsTopic(department, ns), repliesTopic(department, ns)].map((topic) =>
        allow(department, TOPIC, topic, LITERAL)(ALTER_CONFIGS),
      ),
      // Its generation 1 ledger topic (every field in clear), to delete once republished: no other topic.
      allow(department, TOPIC, legacyLedgerTopic(department, ns), LITERAL)(DELETE),
      ...[READ, DESCRIBE].map(allow(department, GROUP, `${ns}registry-bus.${department}`, PREFIXED)),
      allow(department, CLUSTER_RESOURCE, CLUSTER, LITERAL)(IDEMPOTENT_WRITE),
    );
  }
  for (const pair of [...reads].sort()) {
    const [reader, owner] = pair.split('\u0000') as [string, string];
    acls.push(
      ...[READ, DESCRIBE].map(allow(reader, TOPIC, ledgerTopic(owner, ns), LITERAL)),
      ...[WRITE, DESCRIBE].map(allow(reader, TOPIC, requestsTopic(owner, ns), LITERAL)),
      ...[WRITE, DESCRIBE].map(allow(owner, TOPIC, repliesTopic(reader, ns), LITERAL)),
    );
  }
  return dedupe(acls);
}

const keyOf = (acl: AclBinding) =>
  [acl.principal, acl.host, acl.operation, acl.permission, acl.resourceType, acl.resourceName, acl.patternType].join(
    '|',
  );

function dedupe(acls: AclBinding[]): AclBinding[] {
  return [...new Map(acls.map((acl) => [keyOf(acl), acl])).values()];
}

/**
 * Makes the broker's ACLs of these departments' users exactly `desired`:
 * creates what is missing, deletes what is no longer granted. Needs a
 * client authenticated as the broker's admin. Returns what it changed.
 */
export async function syncBrokerAcls(
  admin: TransportAdmin,
  departments: readonly string[],
  desired: readonly AclBinding[],
): Promise<{ created: number; deleted: number }> {
  const current: AclBinding[] = [];
  for (const department of departments) current.push(...(await admin.aclsOf(`User:${department}`)));
  const have = new Set(current.map(keyOf));
  const want = new Set(desired.map(keyOf));
  const missing = desired.filter((acl) => !have.has(keyOf(acl)));
  const extra = current.filter((acl) => !want.has(keyOf(acl)));
  await admin.createAcls(missing);
  await admin.deleteAcls(extra);
  return { created: missing.length, deleted: extra.length };
}
