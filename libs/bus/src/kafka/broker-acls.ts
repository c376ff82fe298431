import kafkajs, { type Admin, type AclEntry } from 'kafkajs';

import { ledgerTopic, repliesTopic, requestsTopic } from '../topics/topic-names.js';

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

// kafkajs is CommonJS and its ACL enums are not visible to ESM named imports under Node: read them off the module.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;
type AclOperationTypes = kafkajs.AclOperationTypes;
type AclResourceTypes = kafkajs.AclResourceTypes;
type ResourcePatternTypes = kafkajs.ResourcePatternTypes;

const CLUSTER = 'kafka-cluster';

function allow(principal: string, resourceType: AclResourceTypes, resourceName: string, pattern: ResourcePatternTypes) {
  return (operation: AclOperationTypes): AclEntry => ({
    principal: `User:${principal}`,
    host: '*',
    operation,
    permissionType: AclPermissionTypes.ALLOW,
    resourceType,
    resourceName,
    resourcePatternType: pattern,
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
export function brokerAcls(input: BrokerAclInput): AclEntry[] {
  const ns = input.namespace ?? '';
  const { TOPIC, GROUP, CLUSTER: CLUSTER_RESOURCE } = AclResourceTypes;
  const { LITERAL, PREFIXED } = ResourcePatternTypes;
  const { READ, WRITE, CREATE, DESCRIBE, DESCRIBE_CONFIGS, IDEMPOTENT_WRITE } = AclOperationTypes;
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
  const acls: AclEntry[] = [];
  for (const department of input.departments) {
    acls.push(
      ...[READ, WRITE, CREATE, DESCRIBE, DESCRIBE_CONFIGS].map(
        allow(department, TOPIC, `${ns}gov.${department}.`, PREFIXED),
      ),
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

const keyOf = (acl: AclEntry) =>
  [
    acl.principal,
    acl.host,
    acl.operation,
    acl.permissionType,
    acl.resourceType,
    acl.resourceName,
    acl.resourcePatternType,
  ].join('|');

function dedupe(acls: AclEntry[]): AclEntry[] {
  return [...new Map(acls.map((acl) => [keyOf(acl), acl])).values()];
}

/**
 * Makes the broker's ACLs of these departments' users exactly `desired`:
 * creates what is missing, deletes what is no longer granted. Needs a
 * client authenticated as the broker's admin. Returns what it changed.
 */
export async function syncBrokerAcls(
  admin: Admin,
  departments: readonly string[],
  desired: readonly AclEntry[],
): Promise<{ created: number; deleted: number }> {
  const current: AclEntry[] = [];
  for (const department of departments) {
    const described = await admin.describeAcls({
      resourceType: AclResourceTypes.ANY,
      resourcePatternType: ResourcePatternTypes.ANY,
      principal: `User:${department}`,
      operation: AclOperationTypes.ANY,
      permissionType: AclPermissionTypes.ANY,
    });
    for (const resource of described.resources) {
      for (const acl of resource.acls) {
        current.push({
          ...acl,
          resourceType: resource.resourceType,
          resourceName: resource.resourceName,
          resourcePatternType: resource.resourcePatternType,
        });
      }
    }
  }
  const have = new Set(current.map(keyOf));
  const want = new Set(desired.map(keyOf));
  const missing = desired.filter((acl) => !have.has(keyOf(acl)));
  const extra = current.filter((acl) => !want.has(keyOf(acl)));
  if (missing.length > 0) await admin.createAcls({ acl: missing });
  if (extra.length > 0) await admin.deleteAcls({ filters: extra });
  return { created: missing.length, deleted: extra.length };
}
