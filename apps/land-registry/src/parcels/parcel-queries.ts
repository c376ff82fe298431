import { cadastralNumber } from '@registry-bus/contracts';
import type { QueryHandler } from '@registry-bus/bus';
import type { DepartmentContext } from '@registry-bus/kit';
import { z } from 'zod';

import { parcelAggregate } from './parcel-aggregate.js';

const parcelQueryParams = z.strictObject({ cadastralNumber });

/**
 * Questions other registers may ask the land registry. `parcel`: who owns it
 * and what encumbers it (a bank before a loan, a court before a seizure),
 * governed by the grants on `gov.land.parcel.registered.v1` — a grant of
 * `cadastralNumber, encumbrances` answers without the owners.
 */
export const landQueries = (runtime: Pick<DepartmentContext, 'commands'>): QueryHandler[] => [
  {
    name: 'parcel',
    eventType: 'gov.land.parcel.registered.v1',
    parseParams(params) {
      const parsed = parcelQueryParams.safeParse(params);
      if (!parsed.success) {
        throw new Error(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
      }
      return parsed.data;
    },
    async answer(params) {
      const state = await runtime.commands.state(parcelAggregate, String(params.cadastralNumber));
      if (state.status !== 'registered') return undefined;
      const { status: _status, ...parcel } = state;
      return parcel;
    },
  },
];
