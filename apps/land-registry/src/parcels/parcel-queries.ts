import { cadastralNumber } from '@registry-bus/contracts';
import type { AnswerSources } from '@registry-bus/access';
import { queryParams, type QueryHandler } from '@registry-bus/bus';
import type { DepartmentContext } from '@registry-bus/kit';
import { z } from 'zod';

import { parcelAggregate } from './parcel-aggregate.js';

const parcelQueryParams = z.strictObject({ cadastralNumber });

const REGISTERED = 'gov.land.parcel.registered.v1';
const TRANSFERRED = 'gov.land.parcel.transferred.v1';
const ADDED = 'gov.land.encumbrance.added.v1';
const CONSENT = 'gov.land.encumbrance.consent-recorded.v1';
const from = (type: string, path: string) => ({ type, path });

/**
 * Where each field of the parcel answer comes from. The owners are the
 * registration's as transfers changed them (both grants needed); an
 * encumbrance is its entry's; its `recordedBy` is read from that entry's
 * cause; consents are the consent entries'.
 */
export const parcelAnswerSources: AnswerSources = {
  cadastralNumber: [from(REGISTERED, 'cadastralNumber')],
  areaSquareMetres: [from(REGISTERED, 'areaSquareMetres')],
  location: [from(REGISTERED, 'location')],
  landUse: [from(REGISTERED, 'landUse')],
  owners: [from(REGISTERED, 'owners'), from(TRANSFERRED, 'to')],
  'encumbrances.encumbranceId': [from(ADDED, 'encumbranceId')],
  'encumbrances.kind': [from(ADDED, 'kind')],
  'encumbrances.holder': [from(ADDED, 'holder')],
  'encumbrances.basis': [from(ADDED, 'basis')],
  'encumbrances.recordedBy': [from(ADDED, 'cause')],
  'encumbrances.consents.to': [from(CONSENT, 'to')],
  'encumbrances.consents.counterparty': [from(CONSENT, 'counterparty')],
};

/**
 * Questions other registers may ask the land registry. `parcel`: who owns it
 * and what encumbers it (a bank before a loan, a court before a seizure),
 * asked under the grants on `gov.land.parcel.registered.v1`; each field is
 * given only when the grants cover the entry field it comes from
 * (parcelAnswerSources) — a grant of `cadastralNumber, encumbrances` on the
 * registration gives the cadastral number, and the encumbrances only to a
 * register that holds grants on the encumbrance entries themselves.
 */
export const landQueries = (runtime: Pick<DepartmentContext, 'commands'>): QueryHandler[] => [
  {
    name: 'parcel',
    eventType: REGISTERED,
    sources: parcelAnswerSources,
    parseParams: queryParams(parcelQueryParams),
    async answer(params) {
      const state = await runtime.commands.state(parcelAggregate, String(params.cadastralNumber));
      if (state.status !== 'registered') return undefined;
      const { status: _status, ...parcel } = state;
      return parcel;
    },
  },
];
