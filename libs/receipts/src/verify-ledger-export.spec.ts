import { testTrustBundle, verifyEd25519 } from '@registry-bus/protocol';

import { LEDGER_EXPORT_FORMAT, type LedgerExportLine } from './ledger-export.js';
import { verifyLedgerExport } from './verify-ledger-export.js';

const bundle = testTrustBundle({});
const header: LedgerExportLine = {
  kind: 'header',
  format: LEDGER_EXPORT_FORMAT,
  chain: 'land',
  exportedAt: '2026-12-01T00:00:00.000Z',
  entries: 0,
};

/** The closing line (issue 30): a download cut off at a line boundary still parses, and must not pass as whole. */
describe('a ledger export’s closing line', () => {
  it('is what makes an export whole: with it an empty ledger passes every check (below quorum: nothing is anchored)', () => {
    expect(verifyLedgerExport([header, { kind: 'end', anchors: 0 }], bundle, verifyEd25519)).toEqual({
      ok: false,
      verdict: 'below-quorum',
      chain: 'land',
      entries: 0,
      anchors: 0,
      witnessed: [],
      unanchoredTail: 0,
      freshness: {
        status: 'unchecked',
        text: 'freshness unchecked: no outside checkpoint to hold it to — an export shows only the anchors its department chose to include',
      },
    });
  });

  it('missing, the export was cut off', () => {
    expect(verifyLedgerExport([header], bundle, verifyEd25519).failure).toEqual({
      id: 'format',
      says: 'this is a ledger export this verifier reads',
      ok: false,
      reason: 'the last line is not the closing line: the export was cut off',
      at: 'header',
    });
  });

  it('counting other anchors than the file has, the file lost some', () => {
    expect(verifyLedgerExport([header, { kind: 'end', anchors: 2 }], bundle, verifyEd25519).failure).toMatchObject({
      id: 'format',
      reason: 'the closing line counts 2 anchors, the file has 0',
    });
  });
});
