import type { StoredEntry } from '../relay/stored-entry.js';

/** What verifyChain needs to know about one stored entry; libs/protocol does the parsing and checking. */
export interface CheckedEntry {
  chain: string;
  seq: number;
  prevhash: Uint8Array;
}

export interface ChainChecks {
  /**
   * Recomputes the hash from the stored envelope bytes, compares it with the
   * stored hash, verifies the signature against the trust bundle, and checks
   * the stored data against `datadigest`. Throws an error with a message that
   * names what failed.
   */
  checkEntry(entry: StoredEntry): CheckedEntry;
  /** The RFC 6962 leaf hash of an entry hash (SHA-256(0x00 ‖ hash)). */
  leafHash(hash: Uint8Array): Uint8Array;
  /** Root of the leaves seen so far, computed incrementally by the caller's accumulator. */
  newAccumulator(): { push(leaf: Uint8Array): void; root(): Uint8Array };
  /** The root the stored Merkle tree gives at `size`. */
  storedRoot(chain: string, size: number): Promise<Uint8Array>;
}

export interface VerifyReport {
  ok: boolean;
  chain: string;
  checked: number;
  firstBadSeq?: number;
  reason?: string;
  /** Size and root of the tree the entries make, when the range started at seq 1. */
  treeSize?: number;
  root?: string;
}

const equal = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/**
 * Recomputes every hash, link, signature and data commitment of a chain, in
 * order, streaming; then compares the stored Merkle tree's root with the root
 * of the entries themselves. Stops at the first bad entry and says why.
 */
export async function verifyChain(
  chain: string,
  entries: AsyncIterable<StoredEntry>,
  checks: ChainChecks,
  options: { fromSeq?: number; previousHash?: Uint8Array } = {},
): Promise<VerifyReport> {
  const fromSeq = options.fromSeq ?? 1;
  let expectedSeq = fromSeq;
  let previousHash = options.previousHash ?? (fromSeq === 1 ? new Uint8Array(32) : undefined);
  const accumulator = fromSeq === 1 ? checks.newAccumulator() : undefined;
  let checked = 0;
  const bad = (seq: number, reason: string): VerifyReport => ({ ok: false, chain, checked, firstBadSeq: seq, reason });

  for await (const entry of entries) {
    if (entry.seq !== expectedSeq)
      return bad(expectedSeq, `seq ${expectedSeq} is missing (next stored is ${entry.seq})`);
    let parsed: CheckedEntry;
    try {
      parsed = checks.checkEntry(entry);
    } catch (error) {
      return bad(entry.seq, error instanceof Error ? error.message : String(error));
    }
    if (parsed.chain !== chain || parsed.seq !== entry.seq) {
      return bad(
        entry.seq,
        `the envelope says chain '${parsed.chain}' seq ${parsed.seq}, the row says '${chain}' seq ${entry.seq}`,
      );
    }
    if (previousHash && !equal(parsed.prevhash, previousHash)) {
      return bad(
        entry.seq,
        `prevhash ${hex(parsed.prevhash)} does not link to the hash of seq ${entry.seq - 1} (${hex(previousHash)})`,
      );
    }
    accumulator?.push(checks.leafHash(entry.hash));
    previousHash = entry.hash;
    expectedSeq++;
    checked++;
  }

  if (!accumulator) return { ok: true, chain, checked };
  const treeSize = expectedSeq - 1;
  const root = accumulator.root();
  if (treeSize > 0) {
    const stored = await checks.storedRoot(chain, treeSize);
    if (!equal(stored, root)) {
      return {
        ok: false,
        chain,
        checked,
        firstBadSeq: treeSize,
        reason: `the stored Merkle tree's root at size ${treeSize} (${hex(stored)}) differs from the root of the entries (${hex(root)})`,
        treeSize,
      };
    }
  }
  return { ok: true, chain, checked, treeSize, root: hex(root) };
}
