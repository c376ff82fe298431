import { rootAt } from '@registry-bus/merkle';
import { appliedSeq } from '@registry-bus/bus';
import { PgNodeReader, type Ledger } from '@registry-bus/ledger';
import { departmentOfChain, toHex } from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import { recordAggregate } from '../commands/record-aggregate.js';
import type { ReactionDefinition } from '../reactions/reaction.js';
import { alarmEntry } from '../runtime/parts/alarms/index.js';

export const witnessAggregate = recordAggregate('witness');

export interface WitnessContext {
  department: string;
  follows: readonly string[];
  /** Whether this department reads that followed department's ledger now (on a broker with ACLs: a grant). */
  reads?: (department: string) => boolean;
  dataSource: DataSource;
  ledger: Ledger;
}

interface AnchorData {
  chain: string;
  treeSize: string;
  root: string;
}

/** The witness is behind on that chain: retry the anchor when it has caught up (never park it). */
class NotYetWitnessed extends Error {
  readonly retryable = true;
}

/**
 * Every department checks the notary's anchors against the data it holds:
 * for each anchor of a chain it keeps a tree of (its own, or one it follows),
 * it computes the root at the anchored size from its own tree and raises an
 * alarm entry citing the anchor when they differ. This is the check a
 * data-less witness cannot make: a consistent checkpoint of entries the
 * topic never carried is caught here, and by the notary's head check.
 */
export function witnessReaction(context: WitnessContext): ReactionDefinition {
  return {
    name: 'witness-checks-anchor',
    types: ['gov.notary.anchor.signed.v1'],
    async react(event, { actor, idempotencyKey, commands, cause }) {
      const anchor = event.data as unknown as AnchorData;
      const owner = departmentOfChain(anchor.chain);
      // Its own chain, or one of its own shards.
      const own = owner === context.department && context.ledger.chains.includes(anchor.chain);
      if (!own && (!owner || !context.follows.includes(owner) || context.reads?.(owner) === false)) return;
      const size = Number(anchor.treeSize);
      const have = own
        ? ((await context.ledger.reader.head(anchor.chain))?.seq ?? 0)
        : await appliedSeq(context.dataSource, anchor.chain);
      let root: string | undefined;
      if (have >= size) root = toHex(await rootAt(new PgNodeReader(context.dataSource, anchor.chain), size));
      else if (!own)
        throw new NotYetWitnessed(`${context.department} has ${have} of ${anchor.chain}, the anchor ${size}`);

      // The tree holds: nothing to record. Its cosignature is the C2SP one the notary asks for
      // (POST /v1/witness/add-checkpoint), kept by the notary — not an entry that would move this chain every
      // interval for ever (issue #23). Old `witness.cosigned.v1` entries stay readable for old receipts.
      if (root === anchor.root) return;
      const entry = alarmEntry(context.department, {
        kind: 'witness-mismatch',
        chain: anchor.chain,
        seq: anchor.treeSize,
        detail:
          root === undefined
            ? `the notary anchored ${anchor.chain} at ${size} entries (notary seq ${cause.seq}), but the ledger has only ${have}`
            : `the notary anchored ${anchor.chain} at ${size} with root ${anchor.root} (notary seq ${cause.seq}); this department's tree has ${root}`,
      });
      await commands.run(witnessAggregate, `anchor:${cause.seq}`, entry, { actor, idempotencyKey });
    },
  };
}

/**
 * The root of a chain this department follows at `size`, from the entries it
 * received — undefined while it holds fewer (it may only be behind). What the
 * checkpoint witness holds a followed chain's checkpoint to.
 */
export async function followedRootAt(dataSource: DataSource, chain: string, size: number): Promise<string | undefined> {
  if (size === 0 || (await appliedSeq(dataSource, chain)) < size) return undefined;
  return toHex(await rootAt(new PgNodeReader(dataSource, chain), size));
}
