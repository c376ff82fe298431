import { domainEventTypes } from '@registry-bus/contracts';
import type { DepartmentDefinition } from '@registry-bus/kit';
import { anchorSignedV1 } from '@registry-bus/protocol';

/**
 * The notary keeps a ledger of its own (its anchors) and follows every
 * department's chain. Anchoring itself arrives with issue 9; until then the
 * notary verifies and keeps every chain it follows.
 */
export const NOTARY_DEPARTMENT: DepartmentDefinition = {
  department: 'notary',
  follows: ['land', 'diploma', 'court', 'credit', 'bond'],
  eventTypes: [anchorSignedV1, ...domainEventTypes],
};
