import { equalBytes, verifyConsistency } from '@registry-bus/merkle';

/** What a witness holds of one origin: the last checkpoint it cosigned (size 0 and the empty root before any). */
export interface WitnessState {
  size: number;
  root: Uint8Array;
}

/** What the witness does with an add-checkpoint request, by c2sp.org/tlog-witness. */
export type Judgement =
  /** Cosign; `advances` when the checkpoint is larger than the state (the state moves, atomically with the check). */
  | { kind: 'cosign'; advances: boolean }
  /** 400: the old size is larger than the checkpoint's. */
  | { kind: 'old-after-new' }
  /** 409 with the witness's size: the sender's old size is not it. `fork`: same size, another root (an alarm). */
  | { kind: 'size-mismatch'; size: number; fork: boolean }
  /** 422: the consistency proof does not prove the checkpoint extends the state (an alarm). */
  | { kind: 'bad-proof'; reason: string }
  /** 422: consistent, but the witness's own copy of the chain (it follows it) has another root at that size (an alarm). */
  | { kind: 'unsupported' };

/**
 * Pure: the checks of tlog-witness's add-checkpoint against the state. A
 * witness never cosigns two checkpoints of one origin that are not
 * consistent with each other, nor a smaller one after a larger one.
 */
export function judgeCheckpoint(
  state: WitnessState,
  request: { oldSize: number; proof: Uint8Array[] },
  checkpoint: { size: number; rootHash: Uint8Array },
  /** The root at the checkpoint's size of the witness's own copy, when it follows the chain that far. */
  copyRoot?: Uint8Array,
): Judgement {
  const judgement = judgeConsistency(state, request, checkpoint);
  // What passes every check a data-less witness can make is still refused when the data says otherwise.
  if (judgement.kind === 'cosign' && copyRoot !== undefined && !equalBytes(copyRoot, checkpoint.rootHash))
    return { kind: 'unsupported' };
  return judgement;
}

function judgeConsistency(
  state: WitnessState,
  request: { oldSize: number; proof: Uint8Array[] },
  checkpoint: { size: number; rootHash: Uint8Array },
): Judgement {
  if (request.oldSize > checkpoint.size) return { kind: 'old-after-new' };
  // Whatever size the sender names, a checkpoint of the witness's own size with another root is a fork.
  const fork = checkpoint.size === state.size && !equalBytes(checkpoint.rootHash, state.root);
  if (request.oldSize !== state.size || fork) return { kind: 'size-mismatch', size: state.size, fork };
  if (checkpoint.size === state.size)
    return request.proof.length === 0
      ? { kind: 'cosign', advances: false }
      : { kind: 'bad-proof', reason: 'a checkpoint of the same size takes an empty proof' };
  if (state.size === 0)
    return request.proof.length === 0
      ? { kind: 'cosign', advances: true }
      : { kind: 'bad-proof', reason: 'a proof from size 0 is empty' };
  return verifyConsistency(state.size, checkpoint.size, state.root, checkpoint.rootHash, request.proof)
    ? { kind: 'cosign', advances: true }
    : {
        kind: 'bad-proof',
        reason: `the proof does not show size ${checkpoint.size} extends the cosigned size ${state.size}`,
      };
}
