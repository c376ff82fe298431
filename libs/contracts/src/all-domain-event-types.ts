import type { EventTypeDefinition } from '@registry-bus/protocol';

import { bondEventTypes } from './bond/bond-event-types.js';
import { creditEventTypes } from './credit/credit-event-types.js';
import { courtEventTypes } from './court/court-event-types.js';
import { diplomaEventTypes } from './diploma/diploma-event-types.js';
import { landEventTypes } from './land/land-event-types.js';

/** Every register's event types: the contract between departments (docs/asyncapi.yaml describes it). */
export const domainEventTypes: EventTypeDefinition[] = [
  ...landEventTypes,
  ...creditEventTypes,
  ...diplomaEventTypes,
  ...courtEventTypes,
  ...bondEventTypes,
];
