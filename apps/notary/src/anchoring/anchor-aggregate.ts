import { DomainError, type Decider } from '@registry-bus/domain';
import type { Aggregate } from '@registry-bus/kit';

export interface AnchorCommand {
  chain: string;
  treeSize: number;
  root: string;
  headSeq: number;
  headHash: string;
}

export interface AnchorEvent {
  type: 'gov.notary.anchor.signed.v1';
  data: {
    chain: string;
    treeSize: string;
    root: string;
    headSeq: string;
    headHash: string;
    previousAnchorSeq?: string;
    previousTreeSize?: string;
  };
}

/** The anchors of one chain: each at a larger size than the one before. */
export interface AnchorState {
  treeSize: number;
  /** Seq of the previous anchor entry in the notary's ledger (filled by the projection). */
  anchorSeq?: number;
}

export const anchorDecider: Decider<AnchorCommand, AnchorEvent, AnchorState> = {
  initialState: { treeSize: 0 },
  decide(command, state) {
    if (command.treeSize <= state.treeSize) {
      throw new DomainError(
        'NOTARY.ALREADY_ANCHORED',
        `${command.chain} is anchored at ${state.treeSize}; ${command.treeSize} is not beyond it`,
        'treeSize',
      );
    }
    return [
      {
        type: 'gov.notary.anchor.signed.v1',
        data: {
          chain: command.chain,
          treeSize: String(command.treeSize),
          root: command.root,
          headSeq: String(command.headSeq),
          headHash: command.headHash,
          ...(state.anchorSeq ? { previousAnchorSeq: String(state.anchorSeq) } : {}),
          ...(state.treeSize ? { previousTreeSize: String(state.treeSize) } : {}),
        },
      },
    ];
  },
  evolve: (state, event) => ({ ...state, treeSize: Number(event.data.treeSize) }),
};

/** Keyed by chain; the projection keeps the anchor's own seq for the next anchor's back-link. */
export const anchorAggregate: Aggregate<AnchorCommand, AnchorEvent, AnchorState> = {
  name: 'anchor',
  eventTypes: ['gov.notary.anchor.*'],
  decider: anchorDecider,
  // The anchor's own seq comes from its position, so a fold of the ledger gives the same state (issue #27).
  positioned: (state, entry) => ({ ...state, anchorSeq: entry.seq }),
  async project(manager, chain, state, events, entries) {
    const entry = entries.at(-1)!;
    await manager.query(
      `INSERT INTO notary_anchor (chain, anchor_seq, tree_size, root, anchored_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (chain) DO UPDATE SET anchor_seq = EXCLUDED.anchor_seq, tree_size = EXCLUDED.tree_size,
         root = EXCLUDED.root, anchored_at = EXCLUDED.anchored_at`,
      [chain, entry.seq, state.treeSize, events.at(-1)!.data.root, entry.time],
    );
  },
};
