import { DomainError, type LegalBasis } from '@registry-bus/domain';
import { recordAggregate, type ReactionDefinition } from '@registry-bus/kit';

import { diplomaAggregate } from './diploma-aggregate.js';

const courtOrderRejections = recordAggregate('court-order');

/**
 * A court's annulment revokes the diploma, citing the judgment as the reason
 * and the order entry as the cause. An order this register cannot carry out
 * (no such diploma, already revoked) is a recorded rejection with the reason,
 * never a crash; a replayed order is answered once.
 */
export const courtReactions: ReactionDefinition[] = [
  {
    name: 'diploma-annulled-by-judgment',
    types: ['gov.court.diploma-annulment.ordered.v1'],
    async react(event, { cause, actor, idempotencyKey, commands }) {
      const order = event.data as { caseNumber: string; judgmentId: string; diplomaNumber: string; basis: LegalBasis };
      try {
        await commands.run(
          diplomaAggregate,
          order.diplomaNumber,
          {
            kind: 'revoke',
            reason: `annulled by judgment ${order.judgmentId} in case ${order.caseNumber}`,
            basis: order.basis,
            cause,
          },
          { actor, idempotencyKey },
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        await commands.run(
          courtOrderRejections,
          order.diplomaNumber,
          {
            type: 'gov.diploma.court-order.rejected.v1',
            data: { diplomaNumber: order.diplomaNumber, code: error.code, reason: error.message, cause },
          },
          { actor, idempotencyKey },
        );
      }
    },
  },
];
