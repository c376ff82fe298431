// Test material for `registry-bus consistent` (its unit, CLI and integration
// specs): a chain of sealed entries, its export, and receipts anchored at any
// tree size — the roots a notary would have anchored, signed by test keys.
import { inclusionProof, rootFromLeaves } from '@registry-bus/merkle';
import { fromHex, sealEntrySync, testSigner, toHex } from '@registry-bus/protocol';
import { LEDGER_EXPORT_FORMAT, RECEIPT_FORMAT, type Receipt, type ReceiptEntry } from '@registry-bus/receipts';

const land = testSigner('land');
const notary = testSigner('notary');
const time = new Date('2026-06-01T10:00:00.000Z');

/** `count` entries of chain `land`; `rewritten` (a seq) gets other data, so it and every later hash differ. */
export function sealedChain(count: number, rewritten?: number): ReceiptEntry[] {
  return sealedAfter([], count, rewritten);
}

/** The chain as a department that rewrote entry `seq` would show it: the entries before it, then `seq` on sealed anew. */
export const rewrittenAt = (entries: ReceiptEntry[], seq: number): ReceiptEntry[] =>
  sealedAfter(entries.slice(0, seq - 1), entries.length, seq);

/** `before`, followed by entries up to seq `count`, each linked to the one before it. */
function sealedAfter(before: ReceiptEntry[], count: number, rewritten?: number): ReceiptEntry[] {
  const entries = [...before];
  let prevhash: Uint8Array = before.length > 0 ? fromHex(before.at(-1)!.envelope.hash) : new Uint8Array(32);
  for (let seq = before.length + 1; seq <= count; seq++) {
    const sealed = sealEntrySync(
      {
        chain: 'land',
        seq,
        prevhash,
        type: 'gov.land.parcel.registered.v1',
        subject: `P-${seq}`,
        data: { cadastralNumber: seq === rewritten ? `P-${seq}-rewritten` : `P-${seq}` },
        actor: 'clerk:land',
        time,
      },
      land,
    );
    entries.push({ envelope: sealed.envelope, disclosure: sealed.disclosure });
    prevhash = sealed.hash;
  }
  return entries;
}

export const entryHashes = (entries: ReceiptEntry[]): Uint8Array[] =>
  entries.map((entry) => fromHex(entry.envelope.hash));

/** The RFC 6962 root of the first `size` entries, in hex. */
export const rootOfFirst = (entries: ReceiptEntry[], size: number): string =>
  toHex(rootFromLeaves(entryHashes(entries.slice(0, size))));

/** The export (JSON lines) of the entries, without anchors. */
export function ledgerExport(entries: ReceiptEntry[]): string {
  const lines = [
    {
      kind: 'header',
      format: LEDGER_EXPORT_FORMAT,
      chain: 'land',
      exportedAt: time.toISOString(),
      entries: entries.length,
    },
    ...entries.map((entry) => ({ kind: 'entry', entry })),
    { kind: 'end', anchors: 0 },
  ];
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}

/** A receipt of entry `seq` of the chain, anchored by the notary at `treeSize` entries with root `root`. */
export function anchoredReceipt(
  entries: ReceiptEntry[],
  seq: number,
  treeSize: number,
  root = rootOfFirst(entries, treeSize),
): Receipt {
  const anchor = sealEntrySync(
    {
      chain: 'notary',
      seq: 1,
      prevhash: new Uint8Array(32),
      type: 'gov.notary.anchor.signed.v1',
      subject: 'land',
      data: {
        chain: 'land',
        treeSize: String(treeSize),
        root,
        headSeq: String(treeSize),
        headHash: entries[treeSize - 1]!.envelope.hash,
      },
      actor: 'system:notary',
      time,
    },
    notary,
  );
  return {
    format: RECEIPT_FORMAT,
    entry: entries[seq - 1]!,
    inclusion: {
      treeSize,
      leafIndex: seq - 1,
      path: inclusionProof(entryHashes(entries.slice(0, treeSize)), seq - 1).map(toHex),
    },
    anchor: { envelope: anchor.envelope, disclosure: anchor.disclosure },
    cosignatures: [],
  };
}
