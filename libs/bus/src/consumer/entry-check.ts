import { redactionReason, removedByGrants, type AccessPolicy } from '@registry-bus/access';

import { codedFailure } from './consumer-codes.js';
import type {
  AccessAuditRecord,
  CodedFailure,
  ConsumedEvent,
  Disclosure,
  EntryVerifier,
  VerifiedEntry,
} from './consumer-types.js';

/** What the checks of a verified, in-order entry decided. */
export interface CheckedEntry {
  /** Why its data was parked (the chain advances whatever happens to it). */
  parked: CodedFailure | undefined;
  /** What the handlers see. */
  event: ConsumedEvent | undefined;
  /** What of its data is kept. */
  keptDisclosure: Disclosure | undefined;
  /** A denial or a redaction, audited. */
  audit: AccessAuditRecord | undefined;
}

/**
 * The access decision and the data checks of a verified, in-order entry,
 * decided with the policy as it stands after the entries before it.
 */
export function checkEntry(
  entry: VerifiedEntry,
  policy: AccessPolicy<VerifiedEntry>,
  verifier: EntryVerifier,
): CheckedEntry {
  const decision = policy.decide(entry);
  if (decision.kind === 'deny') {
    // Not a fault: the owner did not grant it. The envelope and hash are kept, the data is not.
    return {
      parked: undefined,
      event: undefined,
      keptDisclosure: undefined,
      audit: {
        chain: entry.chain,
        seq: entry.seq,
        eventType: entry.type,
        decision: 'denied',
        grantIds: [],
        removedFields: [],
        reason: decision.reason,
      },
    };
  }
  if (!entry.disclosure) return { parked: undefined, event: undefined, keptDisclosure: undefined, audit: undefined };
  // The owner released a key that opens another value than it signed: none of the entry's data is kept.
  if (entry.sealedRefused)
    return { parked: entry.sealedRefused, event: undefined, keptDisclosure: undefined, audit: undefined };
  try {
    const keptDisclosure = verifier.checkData(entry, decision.kind === 'redact' ? decision.fields : 'all');
    const partial = Object.keys(keptDisclosure.withheld).length > 0;
    const validated = verifier.validateData(entry.type, keptDisclosure.fields, partial);
    let audit: AccessAuditRecord | undefined;
    if (decision.kind === 'redact') {
      const removedFields = removedByGrants(entry.disclosure.withheld, keptDisclosure.withheld);
      if (removedFields.length > 0) {
        audit = {
          chain: entry.chain,
          seq: entry.seq,
          eventType: entry.type,
          decision: 'redacted',
          grantIds: decision.grantIds ?? [],
          removedFields,
          reason: redactionReason(decision.fields),
        };
      }
    }
    return {
      parked: undefined,
      event: { entry, type: validated.type, data: validated.data, redacted: partial },
      keptDisclosure,
      audit,
    };
  } catch (error) {
    return {
      parked: codedFailure(error, 'PROTOCOL.DATA_INVALID'),
      event: undefined,
      keptDisclosure: undefined,
      audit: undefined,
    };
  }
}
