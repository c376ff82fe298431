import { z } from 'zod';

import { defineEventType, type EventTypeDefinition } from './event-type-registry.js';
import { CHAIN_PATTERN, DEPARTMENT_PATTERN } from '../identifiers/identifiers.js';

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits');
const instant = z.iso.datetime({ offset: true });
const department = z.string().regex(DEPARTMENT_PATTERN, 'must be a department id');
const chain = z.string().regex(CHAIN_PATTERN, 'must be a chain id');

/**
 * The kit's own entry types of every department. Control entries (grants,
 * cosignatures, alarms): every consumer receives them whatever the grants,
 * and their fields are all public. The operator tokens are not control
 * entries (see below). The issues that use them (access rights, notary,
 * witnesses) extend these schemas with new versions, never by editing v1.
 */
export function controlEventTypes(dept: string): EventTypeDefinition[] {
  const grantIssued = z.strictObject({
    grantId: z.string().min(1).max(100),
    grantee: department,
    eventTypes: z.array(z.string().min(1).max(200)).min(1),
    fields: z.union([z.literal('*'), z.array(z.string().min(1).max(100))]),
    purpose: z.string().min(1).max(500),
    validFrom: instant,
    validUntil: instant.optional(),
    // The document the grant rests on (#27). Optional in the schema only: grants recorded before it carry
    // none and must stay valid on their ledgers; the grant decider refuses a new grant without one.
    basis: z
      .strictObject({
        documentType: z.string().regex(/^[a-z][a-z0-9-]{0,49}$/, 'must be a document type such as "statute"'),
        reference: z.string().min(1).max(200),
      })
      .optional(),
  });
  const grantRevoked = z.strictObject({ grantId: z.string().min(1).max(100), reason: z.string().min(1).max(500) });
  const cosigned = z.strictObject({
    anchorChain: chain,
    anchorSeq: z.string().regex(/^[1-9][0-9]*$/),
    anchorHash: hex32,
    chain,
    treeSize: z.string().regex(/^[0-9]+$/),
    root: hex32,
    signature: z.string().min(1),
  });
  const alarm = z.strictObject({
    kind: z.enum(['equivocation', 'head-mismatch', 'witness-mismatch', 'gap', 'forged-control']),
    chain,
    seq: z
      .string()
      .regex(/^[0-9]+$/)
      .optional(),
    detail: z.string().min(1).max(2000),
  });
  // An operator token of this department (issue #27): what the guard accepts is what these entries say. The
  // secret never leaves the answer to the issuer. Its SHA-256 does (`tokenHash`): the secret is 32 random bytes,
  // so the hash opens nothing, and with it in the entry the ledger alone names the credential — a row whose hash
  // was swapped for the forger's own disagrees with its entry, and recovery can rebuild the table. The holder is
  // named by the operator id they act under (already every envelope's `actor` of what they do), never by a
  // name; the issuer and revoker are the entry's own actor, its time the time of issue or revocation.
  const tokenIssued = z.strictObject({
    tokenId: z.uuid(),
    tokenHash: hex32,
    operator: z.string().regex(/^[a-z][a-z0-9._:-]{0,99}$/, 'must be an operator id such as "clerk:anna"'),
    role: z.enum(['admin', 'clerk', 'auditor']),
    scope: z
      .string()
      .regex(/^[a-z][a-z0-9._:-]{0,99}$/)
      .optional(),
    expiresAt: instant,
  });
  const tokenRevoked = z.strictObject({ tokenId: z.uuid() });
  const fieldsOf = (schema: z.ZodObject) => Object.keys(schema.shape);
  const control = (type: string, schema: z.ZodObject, description: string) =>
    defineEventType({ type, schema, description, publicFields: fieldsOf(schema), personalFields: [], control: true });
  return [
    control(
      `gov.${dept}.access.grant-issued.v1`,
      grantIssued,
      'The owner grants a department access to some of its event types and fields.',
    ),
    control(`gov.${dept}.access.grant-revoked.v1`, grantRevoked, 'The owner withdraws a grant from this position on.'),
    // Not control entries: a department's tokens are its own business. No other department needs them (the
    // owner's guard and recovery read its own ledger), so followers keep their envelopes only, as for any type
    // not granted, and the holder's operator id is withheld from receipts and exports like any personal field.
    defineEventType({
      type: `gov.${dept}.operator.token-issued.v1`,
      schema: tokenIssued,
      description:
        'The department issued a bearer token to one of its operators (its hash, role, scope and expiry; never the secret).',
      publicFields: ['tokenId', 'tokenHash', 'role', 'scope', 'expiresAt'],
      personalFields: ['operator'],
    }),
    defineEventType({
      type: `gov.${dept}.operator.token-revoked.v1`,
      schema: tokenRevoked,
      description: 'The department revoked an operator token: it is refused from this position on.',
      publicFields: ['tokenId'],
      personalFields: [],
    }),
    control(
      `gov.${dept}.witness.cosigned.v1`,
      cosigned,
      'This department checked a notary anchor against its own tree of that chain and cosigns it.',
    ),
    control(
      `gov.${dept}.alarm.raised.v1`,
      alarm,
      'Something that must never happen was seen (equivocation, head or witness mismatch).',
    ),
  ];
}

export const anchorSignedV1 = defineEventType({
  type: 'gov.notary.anchor.signed.v1',
  description: "The notary's signed statement of a chain's Merkle root at a tree size.",
  schema: z.strictObject({
    chain,
    treeSize: z.string().regex(/^[0-9]+$/),
    root: hex32,
    headSeq: z.string().regex(/^[0-9]+$/),
    headHash: hex32,
    previousAnchorSeq: z
      .string()
      .regex(/^[0-9]+$/)
      .optional(),
    /** The tree size of the previous anchor of this chain: the entries in between are what this anchor adds. */
    previousTreeSize: z
      .string()
      .regex(/^[0-9]+$/)
      .optional(),
  }),
  publicFields: ['chain', 'treeSize', 'root', 'headSeq', 'headHash', 'previousAnchorSeq', 'previousTreeSize'],
  personalFields: [],
  control: true,
});

/**
 * A new trust bundle, published on the notary's ledger (issue #24): every
 * app follows that ledger, so each applies it at this position without a
 * restart — once it follows its predecessor (bundle-succession.ts: k of the
 * previous bundle's governance keys, no key dropped). `signed` is the bundle
 * with its governance signatures, as the holders signed it.
 */
export const trustBundlePublishedV1 = defineEventType({
  type: 'gov.notary.trust.bundle-published.v1',
  description: 'A trust bundle signed by k of the governance keys of the one before it, in force from this entry on.',
  schema: z.strictObject({
    version: z.string().regex(/^[1-9][0-9]*$/),
    digest: hex32,
    signed: z.strictObject({
      bundle: z.record(z.string(), z.unknown()),
      rootKeyId: z.string().min(1).max(200).optional(),
      sig: z.string().min(1).max(200).optional(),
      signatures: z
        .array(z.strictObject({ keyId: z.string().min(1).max(200), sig: z.string().min(1).max(200) }))
        .max(100)
        .optional(),
    }),
  }),
  publicFields: ['version', 'digest', 'signed'],
  personalFields: [],
  control: true,
});
