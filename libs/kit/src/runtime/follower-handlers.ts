import type { EventHandler } from '@registry-bus/bus';
import type { Ledger } from '@registry-bus/ledger';
import type { DataSource } from 'typeorm';

import type { CommandRunner } from '../commands/command-runner.js';
import { reaction } from '../reactions/reaction.js';
import { witnessReaction } from '../witness/witness-reaction.js';
import { followsAnchors, type DepartmentDefinition } from './department-definition.js';

/**
 * What a department does with the entries it follows: its handlers, its
 * reactions, and — when it follows the anchors — the check of each anchor
 * against its own tree (an alarm when they differ).
 */
export function followerHandlers(
  definition: DepartmentDefinition,
  commands: CommandRunner,
  witness: {
    dataSource: DataSource;
    ledger: Ledger;
    /** With broker ACLs a followed ledger without a grant is not read at all: nothing to witness. */
    reads: (owner: string) => boolean;
  },
): EventHandler[] {
  const { department, follows } = definition;
  return [
    ...(definition.handlers ?? []),
    ...[
      ...(definition.reactions ?? []),
      ...(followsAnchors(definition) ? [witnessReaction({ department, follows, ...witness })] : []),
    ].map((reactionDefinition) => reaction(reactionDefinition, commands)),
  ];
}
