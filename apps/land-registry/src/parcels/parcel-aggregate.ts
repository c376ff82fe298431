import type { Aggregate } from '@registry-bus/kit';

import { parcelDecider } from './decide-parcel.js';
import type { ParcelCommand } from './parcel-commands.js';
import type { ParcelEvent } from './parcel-events.js';
import type { ParcelState } from './parcel-state.js';

/** One parcel, keyed by its cadastral number: every command about it is decided against its latest state. */
export const parcelAggregate: Aggregate<ParcelCommand, ParcelEvent, ParcelState> = {
  name: 'parcel',
  eventTypes: ['gov.land.parcel.*', 'gov.land.encumbrance.*'],
  decider: parcelDecider,
};
