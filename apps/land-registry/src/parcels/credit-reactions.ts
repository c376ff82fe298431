import { DomainError } from '@registry-bus/domain';
import type { ReactionDefinition } from '@registry-bus/kit';

import { LandErrorCode } from './land-errors.js';
import { parcelAggregate } from './parcel-aggregate.js';
import type { ConsentTo, LegalBasis } from './parcel-events.js';

/**
 * What the land register does when the credit registry writes: a pledge
 * request becomes an encumbrance or a refusal, a consent is recorded on its
 * pledge, a release lifts the encumbrance. Each answer is a land entry citing
 * the credit entry it answers.
 */
export const creditReactions: ReactionDefinition[] = [
  {
    name: 'land-decides-pledge-request',
    types: ['gov.credit.pledge.requested.v1'],
    async react(event, { cause, actor, idempotencyKey, commands }) {
      const data = event.data as {
        pledgeId: string;
        cadastralNumber: string;
        bankId: string;
        pledgor: string;
        basis: LegalBasis;
      };
      await commands.run(
        parcelAggregate,
        data.cadastralNumber,
        {
          kind: 'decide-pledge-request',
          cadastralNumber: data.cadastralNumber,
          encumbranceId: data.pledgeId,
          holder: data.bankId,
          pledgor: data.pledgor,
          basis: data.basis,
          cause,
        },
        { actor, idempotencyKey },
      );
    },
  },
  {
    name: 'land-records-consent',
    types: ['gov.credit.pledge.consent-given.v1'],
    async react(event, { cause, actor, idempotencyKey, commands }) {
      const data = event.data as { pledgeId: string; cadastralNumber: string; to: ConsentTo; counterparty: string };
      await ignoringUnknownParcel(() =>
        commands.run(
          parcelAggregate,
          data.cadastralNumber,
          {
            kind: 'record-consent',
            cadastralNumber: data.cadastralNumber,
            encumbranceId: data.pledgeId,
            to: data.to,
            counterparty: data.counterparty,
            cause,
          },
          { actor, idempotencyKey },
        ),
      );
    },
  },
  {
    name: 'land-lifts-released-pledge',
    types: ['gov.credit.pledge.release-requested.v1'],
    async react(event, { cause, actor, idempotencyKey, commands }) {
      const data = event.data as { pledgeId: string; cadastralNumber: string; basis: LegalBasis };
      await ignoringUnknownParcel(() =>
        commands.run(
          parcelAggregate,
          data.cadastralNumber,
          {
            kind: 'lift-encumbrance',
            cadastralNumber: data.cadastralNumber,
            encumbranceId: data.pledgeId,
            basis: data.basis,
            cause,
          },
          { actor, idempotencyKey },
        ),
      );
    },
  },
];

/**
 * A consent or release for a pledge this register never recorded (it refused
 * it) changes nothing here; the credit registry already knows of the refusal.
 */
async function ignoringUnknownParcel(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (
      error instanceof DomainError &&
      (error.code === LandErrorCode.PARCEL_NOT_FOUND || error.code === LandErrorCode.ENCUMBRANCE_NOT_FOUND)
    ) {
      return;
    }
    throw error;
  }
}
