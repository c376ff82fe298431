import { grantDecider, type GrantCommand, type GrantEvent, type GrantState } from '@registry-bus/access';

import type { Aggregate } from '../commands/aggregate.js';

/** One grant, keyed by its id: issued once, revoked at most once. */
export const grantAggregate: Aggregate<GrantCommand, GrantEvent, GrantState> = {
  name: 'access-grant',
  decider: grantDecider,
  // Each shard carries the grant at a position of its own: followers decide a shard's entries in its order.
  inEveryChain: true,
};
