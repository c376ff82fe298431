import type { Aggregate, DomainEvent } from './aggregate.js';

/**
 * For entries whose rules live outside a decider (cosignatures, alarms,
 * anchors decided by a service): the command is the event, recorded as is.
 */
export function recordAggregate(name: string): Aggregate<DomainEvent, DomainEvent, null> {
  return {
    name,
    decider: { initialState: null, decide: (event) => [event], evolve: (state) => state },
  };
}
