import { rootAt } from '@registry-bus/merkle';
import { appliedSeq, hasReceivedEntryNotOfType } from '@registry-bus/bus';
import { PgNodeReader, hasEntryNotOfType, type Ledger } from '@registry-bus/ledger';
import { cosign, departmentOfChain, toHex, type CosignedStatement, type Signer } from '@registry-bus/protocol';
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
  signer: Signer;
}

interface AnchorData {
  chain: string;
  treeSize: string;
  root: string;
  previousTreeSize?: string;
}

const COSIGNATURE_TYPE = 'gov.%.witness.cosigned.v1';

/** The witness is behind on that chain: retry the anchor when it has caught up (never park it). */
class NotYetWitnessed extends Error {
  readonly retryable = true;
}

/**
 * Every department witnesses the notary: for each anchor of a chain it keeps
 * a tree of (its own, or one it follows), it computes the root at the
 * anchored size from its own tree and cosigns the anchor when they match —
 * or raises an alarm entry when they do not. Either is an entry of its own
 * ledger citing the anchor.
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

      if (root === anchor.root && !(await addsMoreThanCosignatures(context, own, anchor))) {
        // Cosigning an anchor of nothing but cosignatures would move this chain again, the notary would
        // anchor that, and so on for ever: the tree was checked, and these entries wait for the next anchor.
        return;
      }
      const statement: CosignedStatement = {
        anchorChain: cause.chain,
        anchorSeq: cause.seq,
        anchorHash: cause.hash,
        chain: anchor.chain,
        treeSize: anchor.treeSize,
        root: anchor.root,
      };
      const entry =
        root === anchor.root
          ? {
              type: `gov.${context.department}.witness.cosigned.v1`,
              data: { ...statement, signature: await cosign(statement, context.signer) },
            }
          : alarmEntry(context.department, {
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

/** Whether the anchor covers any entry (since the chain's previous anchor) that is not itself a cosignature. */
async function addsMoreThanCosignatures(context: WitnessContext, own: boolean, anchor: AnchorData): Promise<boolean> {
  const range = { after: anchor.previousTreeSize ?? '0', upTo: anchor.treeSize };
  return (own ? hasEntryNotOfType : hasReceivedEntryNotOfType)(
    context.dataSource,
    anchor.chain,
    range,
    COSIGNATURE_TYPE,
  );
}
