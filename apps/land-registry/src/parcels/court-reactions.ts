import type { ReactionDefinition } from '@registry-bus/kit';

import { parcelAggregate } from './parcel-aggregate.js';
import type { LegalBasis } from './parcel-events.js';

interface SeizureOrder {
  caseNumber: string;
  judgmentId: string;
  cadastralNumber: string;
  seizureJudgmentId?: string;
  basis: LegalBasis;
}

/**
 * What the land register does with the court's orders: a seizure becomes a
 * seizure encumbrance — or a recorded refusal with the reason (no such
 * parcel, say), never a crash — and a release lifts the seizure it names.
 * Each is a land entry citing the court's order entry; a replayed order is
 * answered once (the reaction's idempotency key is the order's position).
 */
export const courtReactions: ReactionDefinition[] = [
  {
    name: 'land-records-court-seizure',
    types: ['gov.court.seizure.ordered.v1'],
    async react(event, { cause, actor, idempotencyKey, commands }) {
      const order = event.data as unknown as SeizureOrder;
      await commands.run(
        parcelAggregate,
        order.cadastralNumber,
        {
          kind: 'decide-court-seizure',
          cadastralNumber: order.cadastralNumber,
          encumbranceId: order.judgmentId,
          // The case too: judgment ids are unique within a case only, and a release must name the same seizure.
          holder: `court:${order.caseNumber}/${order.judgmentId}`,
          basis: order.basis,
          cause,
        },
        { actor, idempotencyKey },
      );
    },
  },
  {
    name: 'land-lifts-court-seizure',
    types: ['gov.court.seizure-release.ordered.v1'],
    async react(event, { cause, actor, idempotencyKey, commands }) {
      const order = event.data as unknown as SeizureOrder;
      await commands.run(
        parcelAggregate,
        order.cadastralNumber,
        {
          kind: 'lift-encumbrance',
          cadastralNumber: order.cadastralNumber,
          encumbranceId: order.seizureJudgmentId!,
          basis: order.basis,
          cause,
          fromCase: order.caseNumber,
        },
        { actor, idempotencyKey },
      );
    },
  },
];
