// `registry-bus consistent`: whether the older of two views of a chain is a
// prefix of the newer (RFC 6962 §2.1.2). Pure: the files are read and the
// proof fetched by the caller. Nothing here checks a signature — the roots are
// the ones the files state; `registry-bus verify` / `verify-ledger` check
// that the notary and the department signed them.
import type { ConsistencyAnswer } from '@registry-bus/ledger';
import { leafHash, rootFromLeafHashes, verifyConsistency } from '@registry-bus/merkle';
import { fromHex, toHex } from '@registry-bus/protocol';
import {
  LEDGER_EXPORT_FORMAT,
  RECEIPT_FORMAT,
  isAnchored,
  type LedgerExportLine,
  type Receipt,
  type UnanchoredReceipt,
} from '@registry-bus/receipts';

const HASH_HEX = /^[0-9a-f]{64}$/;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** What one file says of a chain's tree: its size and root, and every entry hash when it is an export. */
export interface TreeView {
  file: string;
  chain: string;
  size: number;
  root: string;
  entryHashes?: string[];
}

/** What `GET /v1/ledger/consistency` answers: the ledger's own type (a type only, nothing of the ledger runs here). */
export type { ConsistencyAnswer };

export type ConsistencyVerdict =
  | { consistent: true; chain: string; from: number; to: number }
  | { consistent: false; chain: string; from: number; to: number; reason: string };

/** A receipt's tree is the one its anchor names: the notary's disclosed chain, tree size and root. */
export function receiptView(receipt: Receipt | UnanchoredReceipt, file: string): TreeView {
  if (receipt?.format !== RECEIPT_FORMAT)
    throw new Error(`${file} is neither a receipt (${RECEIPT_FORMAT}) nor a ledger export (${LEDGER_EXPORT_FORMAT})`);
  if (!isAnchored(receipt)) throw new Error(`${file}: the receipt's entry is not yet anchored: it states no tree`);
  // The latest anchor when the receipt carries one (issue #24): the larger tree it states.
  const anchored = receipt.latest ?? receipt;
  const fields = (anchored?.anchor?.disclosure?.fields ?? {}) as Record<string, unknown>;
  const { chain, treeSize, root } = fields;
  if (typeof chain !== 'string' || typeof treeSize !== 'string' || !DECIMAL.test(treeSize))
    throw new Error(`${file}: the anchor discloses no chain and tree size`);
  if (typeof root !== 'string' || !HASH_HEX.test(root)) throw new Error(`${file}: the anchor discloses no root`);
  if (anchored.inclusion?.treeSize !== Number(treeSize))
    throw new Error(
      `${file}: the inclusion proof is for ${String(anchored.inclusion?.treeSize)} entries, the anchor for ${treeSize} (registry-bus verify tells more)`,
    );
  return { file, chain, size: Number(treeSize), root };
}

/** An export's tree is recomputed from its entries, which must be the chain's from seq 1 on, none missing. */
export function exportView(lines: LedgerExportLine[], file: string): TreeView {
  const header = lines[0];
  if (header?.kind !== 'header' || header.format !== LEDGER_EXPORT_FORMAT || typeof header.chain !== 'string')
    throw new Error(`${file}: the export does not begin with a header of ${LEDGER_EXPORT_FORMAT}`);
  const entryHashes: string[] = [];
  for (const line of lines) {
    if (line?.kind !== 'entry') continue;
    const envelope = line.entry?.envelope;
    const seq = entryHashes.length + 1;
    if (envelope?.chain !== header.chain || envelope.seq !== String(seq) || !HASH_HEX.test(envelope.hash ?? ''))
      throw new Error(`${file}: entry line ${seq} is not entry ${seq} of chain '${header.chain}' with a hash`);
    entryHashes.push(envelope.hash);
  }
  if (entryHashes.length !== header.entries)
    throw new Error(`${file}: the header counts ${header.entries} entries, the file holds ${entryHashes.length}`);
  return { file, chain: header.chain, size: entryHashes.length, root: rootOf(entryHashes), entryHashes };
}

/** Reads a stored or fetched route answer, refusing one that is not of the route's shape. */
export function consistencyAnswer(value: unknown, source: string): ConsistencyAnswer {
  const answer = (value ?? {}) as Partial<Record<keyof ConsistencyAnswer, unknown>>;
  const size = (n: unknown) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  const hash = (h: unknown) => typeof h === 'string' && HASH_HEX.test(h);
  if (
    typeof answer.chain !== 'string' ||
    !size(answer.from) ||
    !size(answer.to) ||
    !hash(answer.fromRoot) ||
    !hash(answer.toRoot) ||
    !Array.isArray(answer.proof) ||
    !answer.proof.every(hash)
  )
    throw new Error(`${source} is not a consistency proof ({ chain, from, to, fromRoot, toRoot, proof })`);
  return answer as ConsistencyAnswer;
}

/** The older and the newer view (the smaller tree first), of one chain. */
export function olderAndNewer(a: TreeView, b: TreeView): [TreeView, TreeView] {
  if (a.chain !== b.chain) throw new Error(`${a.file} is of chain '${a.chain}', ${b.file} of chain '${b.chain}'`);
  return a.size <= b.size ? [a, b] : [b, a];
}

/** Only two trees whose newer side lists no entries, of different sizes, need a proof from the ledger. */
export const needsProof = (older: TreeView, newer: TreeView): boolean =>
  !newer.entryHashes && older.size !== newer.size;

/**
 * Whether `older` is a prefix of `newer`: by their entries when the newer
 * view lists them (an export), by equal roots at equal sizes, else by the
 * ledger's consistency proof, checked against the roots the files state —
 * never against the roots the ledger answers with.
 */
export function checkConsistent(older: TreeView, newer: TreeView, answer?: ConsistencyAnswer): ConsistencyVerdict {
  const { chain } = older;
  const from = older.size;
  const to = newer.size;
  const inconsistent = (reason: string): ConsistencyVerdict => ({ consistent: false, chain, from, to, reason });

  if (newer.entryHashes) {
    const differs = older.entryHashes?.findIndex((hash, i) => hash !== newer.entryHashes![i]) ?? -1;
    if (differs >= 0)
      return inconsistent(
        `entry ${differs + 1} differs: ${older.file} has ${older.entryHashes![differs]}, ${newer.file} has ${newer.entryHashes[differs]}`,
      );
    const prefixRoot = rootOf(newer.entryHashes.slice(0, from));
    if (prefixRoot !== older.root)
      return inconsistent(
        `the first ${from} entries of ${newer.file} have root ${prefixRoot}, ${older.file} states ${older.root}`,
      );
    return { consistent: true, chain, from, to };
  }
  if (from === to)
    return older.root === newer.root
      ? { consistent: true, chain, from, to }
      : inconsistent(
          `both trees have ${to} entries, but ${older.file} states root ${older.root}, ${newer.file} ${newer.root}`,
        );
  if (!answer) throw new Error(`${newer.file} lists no entries: a consistency proof is needed (--proof or --from)`);
  if (answer.chain !== chain || answer.from !== from || answer.to !== to)
    throw new Error(
      `the proof is of chain '${answer.chain}' from ${answer.from} to ${answer.to}, not of '${chain}' from ${from} to ${to}`,
    );
  // The ledger's own roots differing from a signed one is the fork itself, said in its words.
  if (answer.fromRoot !== older.root)
    return inconsistent(`the ledger's root at ${from} is ${answer.fromRoot}, ${older.file} states ${older.root}`);
  if (answer.toRoot !== newer.root)
    return inconsistent(`the ledger's root at ${to} is ${answer.toRoot}, ${newer.file} states ${newer.root}`);
  if (!verifyConsistency(from, to, fromHex(older.root), fromHex(newer.root), answer.proof.map(fromHex)))
    return inconsistent(`the proof does not lead from the root at ${from} to the root at ${to}`);
  return { consistent: true, chain, from, to };
}

/** RFC 6962 root of entries by their hashes (an entry's leaf is SHA-256(0x00 ‖ hash), DESIGN.md). */
export function rootOf(entryHashes: string[]): string {
  return toHex(rootFromLeafHashes(entryHashes.map((hash) => leafHash(fromHex(hash)))));
}
