import type { AclBinding } from '../transport/kafka-transport.js';

/** An ACL as both clients spell it: Kafka's protocol fields, the enums as numeric codes. */
export interface CodedAcl {
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
  resourceType: number;
  resourceName: string;
  resourcePatternType: number;
}

/** A client's name → code tables of Kafka's ACL enums (kafkajs and @platformatic/kafka each export their own). */
export interface AclCodeTables {
  operation: Record<string, number>;
  permission: Record<string, number>;
  resourceType: Record<string, number>;
  patternType: Record<string, number>;
}

/**
 * The port's ACLs (in names) to a client's (in codes) and back: the same
 * mapping for both adapters, over each client's own tables. `client` names
 * the adapter in the error a code it does not know raises.
 */
export function aclCodes(tables: AclCodeTables, client: string) {
  // The tables are plain objects of name → code (no reverse mapping): read a name back by its code.
  const nameOf = <T extends string>(table: Record<string, number>, code: number): T => {
    const name = Object.entries(table).find(([, value]) => value === code)?.[0];
    if (!name) throw new Error(`unknown ${client} enum code ${code}`);
    return name as T;
  };
  return {
    toClient: (binding: AclBinding): CodedAcl => ({
      principal: binding.principal,
      host: binding.host,
      operation: tables.operation[binding.operation]!,
      permissionType: tables.permission[binding.permission]!,
      resourceType: tables.resourceType[binding.resourceType]!,
      resourceName: binding.resourceName,
      resourcePatternType: tables.patternType[binding.patternType]!,
    }),
    fromClient: (acl: CodedAcl): AclBinding => ({
      principal: acl.principal,
      host: acl.host,
      operation: nameOf(tables.operation, acl.operation),
      permission: nameOf(tables.permission, acl.permissionType),
      resourceType: nameOf(tables.resourceType, acl.resourceType),
      resourceName: acl.resourceName,
      patternType: nameOf(tables.patternType, acl.resourcePatternType),
    }),
  };
}
