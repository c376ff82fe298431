export { EMPTY_ROOT, HASH_SIZE, equalBytes, leafHash, nodeHash } from './hashing/hashing.js';
export { consistencyProof, inclusionProof, rootFromLeafHashes, rootFromLeaves } from './proofs/reference.js';
export { verifyConsistency, verifyInclusion } from './proofs/verify.js';
export {
  InMemoryNodeStore,
  nodeKeyId,
  type NodeKey,
  type NodeReader,
  type NodeStore,
  type StoredNode,
} from './storage/node-store.js';
export { appendLeaves, buildNodes, consistencyProofAt, inclusionProofAt, rootAt } from './storage/stored-tree.js';
export { RootAccumulator } from './storage/root-accumulator.js';
