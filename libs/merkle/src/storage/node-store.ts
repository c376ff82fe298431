/**
 * A stored Merkle tree keeps one hash per complete (perfect) subtree:
 * node (level, index) covers leaves [index · 2^level, (index + 1) · 2^level).
 * Once written a node never changes, so the store is append-only, and any
 * range of any past tree is a handful of such nodes.
 */
export interface NodeKey {
  level: number;
  index: number;
}

export interface StoredNode extends NodeKey {
  hash: Uint8Array;
}

/**
 * Reads nodes. One call per operation, so a database store can answer with
 * one query. Missing nodes are returned as undefined.
 */
export interface NodeReader {
  getNodes(keys: NodeKey[]): Promise<Array<Uint8Array | undefined>>;
}

export interface NodeStore extends NodeReader {
  putNodes(nodes: StoredNode[]): Promise<void>;
}

export const nodeKeyId = (key: NodeKey) => `${key.level}:${key.index}`;

/** In memory, counting reads (tests check that proofs cost O(log n) of them). */
export class InMemoryNodeStore implements NodeStore {
  private readonly nodes = new Map<string, Uint8Array>();
  reads = 0;
  readCalls = 0;
  writes = 0;

  async getNodes(keys: NodeKey[]): Promise<Array<Uint8Array | undefined>> {
    this.readCalls++;
    this.reads += keys.length;
    return keys.map((key) => this.nodes.get(nodeKeyId(key)));
  }

  async putNodes(nodes: StoredNode[]): Promise<void> {
    this.writes += nodes.length;
    for (const node of nodes) this.nodes.set(nodeKeyId(node), node.hash);
  }

  /** Synchronous bulk load for tests and benchmarks (no counting). */
  load(nodes: Iterable<StoredNode>): void {
    for (const node of nodes) this.nodes.set(nodeKeyId(node), node.hash);
  }

  get size(): number {
    return this.nodes.size;
  }

  resetCounters(): void {
    this.reads = 0;
    this.readCalls = 0;
    this.writes = 0;
  }
}
