import { recordAggregate, type ReactionDefinition } from '@registry-bus/kit';

const bondHoldings = recordAggregate('bond-holding');

/**
 * The bond register's settlement tells each bank what its investors hold (the
 * bond registry grants the credit registry its holding entries): noted as a
 * credit entry citing the settlement entry, once per holding.
 */
export const bondHoldingNoted: ReactionDefinition = {
  name: 'credit-notes-bond-holding',
  types: ['gov.bond.holding.settled.v1'],
  async react(event, { cause, actor, idempotencyKey, commands }) {
    const { isin, bankId, investor, quantity } = event.data as {
      isin: string;
      bankId: string;
      investor: string;
      quantity: number;
    };
    await commands.run(
      bondHoldings,
      `${bankId}:${isin}`,
      { type: 'gov.credit.bond-holding.noted.v1', data: { isin, bankId, investor, quantity, cause } },
      { actor, idempotencyKey },
    );
  },
};
