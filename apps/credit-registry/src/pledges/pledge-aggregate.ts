import { DomainError } from '@registry-bus/domain';
import type { Aggregate } from '@registry-bus/kit';

import { CreditErrorCode } from './credit-errors.js';

import { pledgeDecider } from './decide-pledges.js';
import type { ParcelPledges } from './parcel-pledges.js';
import type { PledgeCommand } from './pledge-commands.js';
import type { PledgeEvent } from './pledge-events.js';

/**
 * The pledges of one parcel, keyed by its cadastral number: two banks
 * pledging the same parcel are decided one after the other, never both on
 * stale state.
 */
export const parcelPledgesAggregate: Aggregate<PledgeCommand, PledgeEvent, ParcelPledges> = {
  name: 'parcel-pledges',
  eventTypes: ['gov.credit.pledge.*', 'gov.credit.parcel.*'],
  decider: pledgeDecider,
  async project(manager, cadastralNumber, state, _events, entries) {
    const lastSeq = entries.at(-1)!.seq;
    for (const pledge of state.pledges) {
      const written: unknown[] = await manager.query(
        `INSERT INTO credit_pledge (pledge_id, cadastral_number, bank_id, status, last_seq) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (pledge_id) DO UPDATE SET status = EXCLUDED.status, last_seq = EXCLUDED.last_seq
           WHERE credit_pledge.cadastral_number = EXCLUDED.cadastral_number
         RETURNING pledge_id`,
        [pledge.pledgeId, cadastralNumber, pledge.bankId, pledge.status, lastSeq],
      );
      // Pledge ids are unique across parcels; the same id on another parcel fails this command only.
      if (written.length === 0) {
        throw new DomainError(
          CreditErrorCode.PLEDGE_EXISTS,
          `pledge ${pledge.pledgeId} already exists on another parcel`,
          'pledgeId',
        );
      }
    }
  },
};
