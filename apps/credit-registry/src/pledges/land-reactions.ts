import { DomainError } from '@registry-bus/domain';
import type { ReactionDefinition } from '@registry-bus/kit';
import { departmentOfChain } from '@registry-bus/protocol';

import { CreditErrorCode } from './credit-errors.js';
import { parcelPledgesAggregate } from './pledge-aggregate.js';

interface EncumbranceData {
  cadastralNumber: string;
  encumbranceId: string;
  kind: string;
  cause?: { chain: string };
}

/** Only the land register's answers to this register's own pledge requests (from any of its shards) concern the saga. */
const answersCredit = (data: EncumbranceData) =>
  data.kind === 'pledge' && data.cause !== undefined && departmentOfChain(data.cause.chain) === 'credit';

/**
 * The credit registry's side of the pledge saga: a pledge becomes active (or
 * refused, with the land register's reason) only on the land register's
 * entry, is released when the land register lifts it, and follows its parcel
 * to a new owner. Each is a credit entry citing the land entry.
 */
export const landReactions: ReactionDefinition[] = [
  {
    name: 'credit-activates-pledge',
    types: ['gov.land.encumbrance.added.v1'],
    async react(event, { cause, actor, idempotencyKey, commands }) {
      const data = event.data as unknown as EncumbranceData;
      if (!answersCredit(data)) return;
      await commands.run(
        parcelPledgesAggregate,
        data.cadastralNumber,
        { kind: 'record-land-encumbrance', pledgeId: data.encumbranceId, cadastralNumber: data.cadastralNumber, cause },
        { actor, idempotencyKey },
      );
    },
  },
  {
    name: 'credit-records-refusal',
    types: ['gov.land.encumbrance.refused.v1'],
    async react(event, { cause, actor, idempotencyKey, commands }) {
      const data = event.data as unknown as EncumbranceData & { code: string; reason: string };
      if (!answersCredit(data)) return;
      await commands.run(
        parcelPledgesAggregate,
        data.cadastralNumber,
        {
          kind: 'record-land-refusal',
          pledgeId: data.encumbranceId,
          cadastralNumber: data.cadastralNumber,
          reason: `${data.code}: ${data.reason}`,
          cause,
        },
        { actor, idempotencyKey },
      );
    },
  },
  {
    name: 'credit-records-release',
    types: ['gov.land.encumbrance.lifted.v1'],
    async react(event, { cause, actor, idempotencyKey, commands }) {
      const data = event.data as unknown as EncumbranceData;
      // A lift this registry asked for cites its release request; any other lift is not a release of ours.
      if (data.cause === undefined || departmentOfChain(data.cause.chain) !== 'credit') return;
      try {
        await commands.run(
          parcelPledgesAggregate,
          data.cadastralNumber,
          { kind: 'record-land-lift', pledgeId: data.encumbranceId, cadastralNumber: data.cadastralNumber, cause },
          { actor, idempotencyKey },
        );
      } catch (error) {
        // A lifted seizure or easement is not a pledge of this register.
        if (error instanceof DomainError && error.code === CreditErrorCode.PLEDGE_NOT_FOUND) return;
        throw error;
      }
    },
  },
  {
    name: 'credit-follows-transfer',
    types: ['gov.land.parcel.transferred.v1'],
    async react(event, { cause, actor, idempotencyKey, commands }) {
      const data = event.data as { cadastralNumber: string; from: string; to: Array<{ ownerId: string }> };
      await commands.run(
        parcelPledgesAggregate,
        data.cadastralNumber,
        {
          kind: 'record-land-transfer',
          cadastralNumber: data.cadastralNumber,
          from: data.from,
          to: data.to.map((owner) => owner.ownerId).join(','),
          cause,
        },
        { actor, idempotencyKey },
      );
    },
  },
];

/** A court's ban on new pledges of a parcel: recorded once (a credit entry citing the order); later requests are refused. */
export const courtPledgeBan: ReactionDefinition = {
  name: 'credit-records-court-pledge-ban',
  types: ['gov.court.pledge-ban.ordered.v1'],
  async react(event, { cause, actor, idempotencyKey, commands }) {
    const { cadastralNumber } = event.data as { cadastralNumber: string };
    await commands.run(
      parcelPledgesAggregate,
      cadastralNumber,
      { kind: 'record-pledge-ban', cadastralNumber, cause },
      { actor, idempotencyKey },
    );
  },
};
