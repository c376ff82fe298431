// Test material for holding an export to the latest checkpoint (issue #23;
// the CLI specs of `verify-ledger` and `consistent`): an export with the
// notary's anchor and witnesses' cosignature entries, and the notary's C2SP
// checkpoint note with witnesses' cosignature lines — all signed by the test
// keys of the six departments (testReceipt's bundle).
import {
  cosignCheckpoint,
  cosignSync,
  formatCheckpoint,
  formatNote,
  fromHex,
  sealEntrySync,
  signNoteEd25519,
  testSigner,
} from '@registry-bus/protocol';
import { LEDGER_EXPORT_FORMAT, type ReceiptEntry } from '@registry-bus/receipts';

import { rootOfFirst } from './consistent-fixture.js';

const time = new Date('2026-06-01T10:00:00.000Z');
const view = (sealed: {
  envelope: ReceiptEntry['envelope'];
  disclosure: ReceiptEntry['disclosure'];
}): ReceiptEntry => ({
  envelope: sealed.envelope,
  disclosure: sealed.disclosure,
});

/** The export (JSON lines) of `entries`, anchored by the notary at their count and cosigned by each of `witnesses`. */
export function anchoredExport(entries: ReceiptEntry[], witnesses: readonly string[]): string {
  const treeSize = String(entries.length);
  const root = rootOfFirst(entries, entries.length);
  const anchor = sealEntrySync(
    {
      chain: 'notary',
      seq: 1,
      prevhash: new Uint8Array(32),
      type: 'gov.notary.anchor.signed.v1',
      subject: 'land',
      data: { chain: 'land', treeSize, root, headSeq: treeSize, headHash: entries.at(-1)!.envelope.hash },
      actor: 'system:notary',
      time,
    },
    testSigner('notary'),
  );
  const statement = {
    anchorChain: 'notary',
    anchorSeq: '1',
    anchorHash: anchor.envelope.hash,
    chain: 'land',
    treeSize,
    root,
  };
  const cosignatures = witnesses.map((witness) =>
    view(
      sealEntrySync(
        {
          chain: witness,
          seq: 1,
          prevhash: new Uint8Array(32),
          type: `gov.${witness}.witness.cosigned.v1`,
          subject: 'anchor:1',
          data: { ...statement, signature: cosignSync(statement, testSigner(witness)) },
          actor: `reaction:${anchor.envelope.id}`,
          time,
        },
        testSigner(witness),
      ),
    ),
  );
  const lines = [
    {
      kind: 'header',
      format: LEDGER_EXPORT_FORMAT,
      chain: 'land',
      exportedAt: time.toISOString(),
      entries: entries.length,
    },
    ...entries.map((entry) => ({ kind: 'entry', entry })),
    { kind: 'anchor', anchor: view(anchor), cosignatures },
    { kind: 'end', anchors: 1 },
  ];
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
}

/**
 * What the notary serves at `GET /v1/checkpoints/land`: its checkpoint of
 * the first `size` entries, signed by the notary (or by `signer` under the
 * notary's name) and cosigned by each of `witnesses` at `cosignedAt`.
 */
export async function checkpointNote(
  entries: ReceiptEntry[],
  size: number,
  witnesses: readonly string[],
  cosignedAt: Date,
  signer = testSigner('notary'),
): Promise<string> {
  const text = formatCheckpoint({
    origin: 'registry-bus.test/land',
    size,
    rootHash: fromHex(rootOfFirst(entries, size)),
  });
  const signatures = [await signNoteEd25519(text, 'notary', signer.publicKey, signer.sign)];
  const timestamp = Math.floor(cosignedAt.getTime() / 1000);
  for (const witness of witnesses) {
    const witnessSigner = testSigner(witness);
    signatures.push(await cosignCheckpoint(text, witness, witnessSigner.publicKey, timestamp, witnessSigner.sign));
  }
  return formatNote({ text, signatures });
}
