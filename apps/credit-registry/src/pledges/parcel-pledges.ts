import { assertNever } from '@registry-bus/domain';

import type { PledgeEvent } from './pledge-events.js';

export type PledgeStatus = 'requested' | 'active' | 'refused' | 'release-requested' | 'released';

export interface Pledge {
  pledgeId: string;
  bankId: string;
  pledgor: string;
  status: PledgeStatus;
  consents: Array<{ to: 'second-pledge' | 'transfer'; counterparty: string }>;
}

/** What the credit registry knows about the pledges of one parcel. */
export interface ParcelPledges {
  pledges: Pledge[];
  pledgeBanned: boolean;
}

export const initialParcelPledges: ParcelPledges = { pledges: [], pledgeBanned: false };

/** Pledges that still bind the parcel (requested ones count: the land registry may be deciding right now). */
export const binding = (state: ParcelPledges) =>
  state.pledges.filter((p) => p.status === 'requested' || p.status === 'active' || p.status === 'release-requested');

function update(state: ParcelPledges, pledgeId: string, change: (pledge: Pledge) => Pledge): ParcelPledges {
  return { ...state, pledges: state.pledges.map((p) => (p.pledgeId === pledgeId ? change(p) : p)) };
}

export function evolvePledges(state: ParcelPledges, event: PledgeEvent): ParcelPledges {
  switch (event.type) {
    case 'gov.credit.pledge.requested.v1': {
      const { pledgeId, bankId, pledgor } = event.data;
      return {
        ...state,
        pledges: [...state.pledges, { pledgeId, bankId, pledgor, status: 'requested', consents: [] }],
      };
    }
    case 'gov.credit.pledge.activated.v1':
      return update(state, event.data.pledgeId, (p) => ({ ...p, status: 'active' }));
    case 'gov.credit.pledge.refused.v1':
      return update(state, event.data.pledgeId, (p) => ({ ...p, status: 'refused' }));
    case 'gov.credit.pledge.consent-given.v1':
      return update(state, event.data.pledgeId, (p) => ({
        ...p,
        consents: [...p.consents, { to: event.data.to, counterparty: event.data.counterparty }],
      }));
    case 'gov.credit.pledge.release-requested.v1':
      return update(state, event.data.pledgeId, (p) => ({ ...p, status: 'release-requested' }));
    case 'gov.credit.pledge.released.v1':
      return update(state, event.data.pledgeId, (p) => ({ ...p, status: 'released' }));
    case 'gov.credit.pledge.pledgor-changed.v1':
      return update(state, event.data.pledgeId, (p) => ({ ...p, pledgor: event.data.to }));
    case 'gov.credit.parcel.pledge-ban-recorded.v1':
      return { ...state, pledgeBanned: true };
    default:
      return assertNever(event, 'pledge event');
  }
}
