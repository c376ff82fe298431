import { rootFromLeaves } from '@registry-bus/merkle';
import {
  cosignCheckpoint,
  formatCheckpoint,
  formatNote,
  fromHex,
  sealEntrySync,
  signNoteEd25519,
  toHex,
  verifyEd25519Node,
  type InProcessSigner,
} from '@registry-bus/protocol';
import { testReceipt } from '@registry-bus/testing';

import { formatAge } from './export-freshness.js';
import { LEDGER_EXPORT_FORMAT, type LedgerExportLine } from './ledger-export.js';
import { verifyOutsideCheckpoint } from './outside-checkpoint.js';
import type { ReceiptEntry } from './receipt.js';
import { verifyLedgerExport } from './verify-ledger-export.js';

const { bundle, signers } = testReceipt([]);
const time = new Date('2026-06-01T10:00:00.000Z');
/** POSIX seconds of `time` plus `seconds`. */
const at = (seconds: number) => Math.floor(time.getTime() / 1000) + seconds;

/**
 * Entries of chain `land` up to seq `count`, after `before` and linked to it;
 * `rewritten` (a seq) gets other data.
 */
function landEntries(count: number, rewritten?: number, before: ReceiptEntry[] = []): ReceiptEntry[] {
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
      signers.land!,
    );
    entries.push({ envelope: sealed.envelope, disclosure: sealed.disclosure });
    prevhash = sealed.hash;
  }
  return entries;
}

const exportOf = (entries: ReceiptEntry[]): LedgerExportLine[] => [
  {
    kind: 'header',
    format: LEDGER_EXPORT_FORMAT,
    chain: 'land',
    exportedAt: time.toISOString(),
    entries: entries.length,
  },
  ...entries.map((entry): LedgerExportLine => ({ kind: 'entry', entry })),
  { kind: 'end', anchors: 0 },
];

const rootOf = (entries: ReceiptEntry[]) => toHex(rootFromLeaves(entries.map((entry) => fromHex(entry.envelope.hash))));

/** The notary's checkpoint note of `entries`, cosigned by each witness at `time` + its offset in seconds. */
async function checkpointNote(
  entries: ReceiptEntry[],
  cosigned: Record<string, number>,
  { origin = 'registry-bus.test/land', signer = signers.notary! }: { origin?: string; signer?: InProcessSigner } = {},
) {
  const text = formatCheckpoint({ origin, size: entries.length, rootHash: fromHex(rootOf(entries)) });
  const signatures = [await signNoteEd25519(text, 'notary', signer.publicKey, signer.sign)];
  for (const [witness, offset] of Object.entries(cosigned)) {
    const witnessSigner = signers[witness]!;
    signatures.push(await cosignCheckpoint(text, witness, witnessSigner.publicKey, at(offset), witnessSigner.sign));
  }
  return formatNote({ text, signatures });
}

const chain = landEntries(5);
/** Land's default witnesses are credit, diploma, court and bond, with a quorum of 3. */
const quorumOfFour = { credit: 10, court: 30, bond: 20, diploma: 50 };
const twoMinutesLater = new Date(time.getTime() + 50_000 + 120_000);

describe('verifyOutsideCheckpoint', () => {
  it('returns the size, root and cosigners, and when the third (the quorum) of them had cosigned', async () => {
    const sut = verifyOutsideCheckpoint(await checkpointNote(chain, quorumOfFour), 'land', bundle, twoMinutesLater);
    expect(sut).toEqual({
      origin: 'registry-bus.test/land',
      size: 5,
      root: rootOf(chain),
      cosigners: ['credit', 'diploma', 'court', 'bond'],
      timestamps: { credit: at(10), diploma: at(50), court: at(30), bond: at(20) },
      quorum: {
        required: 3,
        eligible: ['credit', 'diploma', 'court', 'bond'],
        counted: ['credit', 'diploma', 'court', 'bond'],
        ignored: [],
        met: true,
        text: 'quorum: 4 of 3 independent cosignatures',
      },
      cosignedAt: at(30),
    });
  });

  it('below its quorum: the report says so, and there is no moment a quorum had cosigned it', async () => {
    const sut = verifyOutsideCheckpoint(await checkpointNote(chain, { land: 0, credit: 10 }), 'land', bundle, time);
    expect(sut.quorum).toMatchObject({
      met: false,
      shortfall: "quorum: 1 of 3 independent cosignatures (land's own does not count)",
    });
    expect(sut.cosignedAt).toBeUndefined();
  });

  it('signed under the notary’s name by another key of the bundle (land’s): refused', async () => {
    const forged = await checkpointNote(chain, quorumOfFour, { signer: signers.land! });
    expect(() => verifyOutsideCheckpoint(forged, 'land', bundle, time)).toThrow(
      'the checkpoint carries no valid signature of a notary key of the trust bundle',
    );
  });

  it('of another chain: refused', async () => {
    const court = await checkpointNote(chain, quorumOfFour, { origin: 'registry-bus.test/court' });
    expect(() => verifyOutsideCheckpoint(court, 'land', bundle, time)).toThrow(
      "the checkpoint's origin registry-bus.test/court is not of chain land",
    );
  });

  it('with a cosignature line changed: refused whole', async () => {
    const lines = (await checkpointNote(chain, quorumOfFour)).split('\n');
    const last = lines[lines.length - 2]!;
    lines[lines.length - 2] = `${last.slice(0, -6)}${last.at(-6) === 'A' ? 'B' : 'A'}${last.slice(-5)}`;
    expect(() => verifyOutsideCheckpoint(lines.join('\n'), 'land', bundle, time)).toThrow(
      /the cosignature of diploma \(time \d+\) does not verify/,
    );
  });
});

describe('verifyLedgerExport against the latest checkpoint (issue #23)', () => {
  const verify = (exported: ReceiptEntry[], note: string) =>
    verifyLedgerExport(exportOf(exported), bundle, verifyEd25519Node, { note, now: twoMinutesLater });

  it('without one: freshness unchecked', () => {
    expect(verifyLedgerExport(exportOf(chain), bundle, verifyEd25519Node).freshness).toEqual({
      status: 'unchecked',
      text: 'freshness unchecked: no outside checkpoint to hold it to — an export shows only the anchors its department chose to include',
    });
  });

  it('an export of every entry the checkpoint covers: fresh, with the age of the quorum’s cosignature', async () => {
    const sut = verify(chain, await checkpointNote(chain, quorumOfFour));
    expect(sut.failure).toBeUndefined();
    expect(sut.freshness).toMatchObject({
      status: 'fresh',
      ageSeconds: 140,
      age: '2 min',
      text: 'fresh: checkpoint 5 cosigned by credit, diploma, court, bond 2 min ago',
    });
    // Freshness does not stand in for the export's own anchors: this one has none.
    expect(sut.verdict).toBe('below-quorum');
  });

  it('an export longer than the checkpoint, whose first entries have its root: fresh', async () => {
    const sut = verify(chain, await checkpointNote(chain.slice(0, 3), quorumOfFour));
    expect(sut.freshness).toMatchObject({ status: 'fresh', text: expect.stringMatching(/^fresh: checkpoint 3 /) });
  });

  it('an export that leaves out the latest entries: stale, naming both sizes and the age', async () => {
    const sut = verify(chain.slice(0, 3), await checkpointNote(chain, quorumOfFour));
    expect(sut.failure).toBeUndefined();
    expect(sut.freshness).toMatchObject({
      status: 'stale',
      age: '2 min',
      text: 'stale: the export has 3 entries, the latest checkpoint 5 (cosigned by credit, diploma, court, bond 2 min ago): the export is older than the checkpoint, and cannot be checked for consistency with it without a consistency proof',
    });
  });

  it('an export that rewrote entry 2: invalid, naming both roots', async () => {
    const rewritten = landEntries(5, 2, chain.slice(0, 1));
    expect(rewritten[0]).toBe(chain[0]);
    const sut = verify(rewritten, await checkpointNote(chain, quorumOfFour));
    expect(sut).toMatchObject({ ok: false, verdict: 'invalid', freshness: { status: 'contradicted' } });
    expect(sut.failure).toEqual({
      id: 'outside-checkpoint',
      says: 'the export agrees with the latest checkpoint a quorum of witnesses cosigned',
      ok: false,
      reason: `the first 5 entries have root ${rootOf(rewritten)}, the checkpoint of 5 entries cosigned by credit, diploma, court, bond 2 min ago has root ${rootOf(chain)}: the export contradicts a checkpoint a quorum cosigned (a rewritten or forked history)`,
      at: 'checkpoint of 5 entries',
    });
  });

  it('a checkpoint below its quorum is refused as the reference', async () => {
    const sut = verify(chain, await checkpointNote(chain, { land: 0, credit: 10 }));
    expect(sut.freshness).toEqual({
      status: 'refused',
      reason: "it is below its quorum (quorum: 1 of 3 independent cosignatures (land's own does not count))",
      text: "the checkpoint cannot be the freshness reference: it is below its quorum (quorum: 1 of 3 independent cosignatures (land's own does not count))",
    });
  });

  it('a checkpoint signed by a key that is not the notary’s, or of another chain, is refused as the reference', async () => {
    const forged = verify(chain, await checkpointNote(chain, quorumOfFour, { signer: signers.land! }));
    expect(forged.freshness).toMatchObject({
      status: 'refused',
      reason: 'the checkpoint carries no valid signature of a notary key of the trust bundle',
    });
    const court = verify(chain, await checkpointNote(chain, quorumOfFour, { origin: 'registry-bus.test/court' }));
    expect(court.freshness).toMatchObject({
      status: 'refused',
      reason: "the checkpoint's origin registry-bus.test/court is not of chain land",
    });
  });
});

describe('formatAge', () => {
  it.each([
    [0, '0 s'],
    [59, '59 s'],
    [60, '1 min'],
    [3599, '59 min'],
    [3600, '1 h'],
    [86_399, '23 h'],
    [172_800, '2 d'],
  ])('%i seconds: %s', (seconds, text) => {
    expect(formatAge(seconds)).toBe(text);
  });
});
