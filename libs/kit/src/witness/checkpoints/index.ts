export { checkpointOriginPrefix, chainOfOrigin, originOf } from './checkpoint-origin.js';
export { CheckpointWitness, type CheckpointWitnessContext, type WitnessAnswer } from './checkpoint-witness.js';
export { CHECKPOINT_WITNESS, WitnessController } from './witness.controller.js';
export { judgeCheckpoint, type Judgement, type WitnessState } from './judge-checkpoint.js';
export { latestWitnessState } from './witness-state.js';
export { FileJoinedOrigins, type JoinedOrigins } from './joined-origins.js';
