// `npx registry-bus <verify|verify-ledger> …`: checks receipts and whole
// exported ledgers offline, with the same pure code a web page runs
// (libs/receipts over libs/merkle and libs/protocol). Exit codes: 0 valid,
// 1 a check failed, 2 the input could not be read (usage, file, trust),
// 3 every check passed but the anchor lacks its quorum of independent
// witnesses (not yet confirmed: `VALID — below quorum`).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { verifyEd25519Node, parseStrictJson } from '@registry-bus/protocol';
import {
  verifyLedgerExport,
  verifyReceipt,
  type LedgerExportLine,
  type Receipt,
  type ReceiptVerdict,
} from '@registry-bus/receipts';

import { INSTALLATION_ROOT_FILE, loadTrust, type LoadedTrust } from './trust-file.js';

const USAGE = `usage:
  registry-bus verify <receipt.json> [--trust <bundle.json>] [--root <trust-root.pub>] [--json]
  registry-bus verify-ledger <ledger.jsonl> [--trust <bundle.json>] [--root <trust-root.pub>] [--json]
exit codes: 0 valid, 1 a check failed, 2 unreadable input, 3 valid but below the witness quorum`;

/** The exit code of a verdict: below quorum is neither valid nor invalid. */
const EXIT_CODE = { valid: 0, invalid: 1, 'below-quorum': 3 } as const;

function unreadable(message: string): never {
  process.stderr.write(`registry-bus: ${message}\n`);
  process.exit(2);
}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        trust: { type: 'string' },
        root: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return unreadable(`${(error as Error).message}\n${USAGE}`);
  }
})();
const [command, file] = positionals;
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!command || !file || positionals.length > 2 || !['verify', 'verify-ledger'].includes(command)) unreadable(USAGE);

const trust = (() => {
  try {
    return loadTrust({
      trustPath: values.trust,
      rootPath: values.root,
      // The root a user pins for this installation; a bundle never brings its own.
      pinnedRootFile: process.env.REGISTRY_BUS_TRUST_ROOT_FILE || INSTALLATION_ROOT_FILE,
      cwd: process.cwd(),
    });
  } catch (error) {
    return unreadable(`cannot use the trust bundle: ${(error as Error).message}`);
  }
})();
const text = (() => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    return unreadable(`cannot read ${file}: ${(error as Error).message}`);
  }
})();

if (command === 'verify') {
  let receipt: Receipt;
  try {
    receipt = parseStrictJson(text, 'the receipt') as Receipt;
  } catch (error) {
    unreadable(`${file} cannot be read: ${(error as Error).message}`);
  }
  const verdict = verifyReceipt(receipt, trust.bundle, verifyEd25519Node);
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ ...trustFields(trust), ...verdict }, null, 2)}\n`
      : describeReceipt(verdict, trust),
  );
  process.exit(EXIT_CODE[verdict.verdict]);
} else {
  const lines: LedgerExportLine[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      lines.push(parseStrictJson(line, 'the export line') as LedgerExportLine);
    } catch (error) {
      unreadable(`${file} line ${i + 1} cannot be read: ${(error as Error).message}`);
    }
  }
  const verdict = verifyLedgerExport(lines, trust.bundle, verifyEd25519Node);
  if (values.json) process.stdout.write(`${JSON.stringify({ ...trustFields(trust), ...verdict }, null, 2)}\n`);
  else if (verdict.verdict !== 'invalid') {
    const last = verdict.witnessed.at(-1);
    const { quorum } = verdict;
    process.stdout.write(
      [
        `${verdict.ok ? 'VALID' : `VALID — below quorum (witnessed by ${last ? last.witnessedBy.join(', ') : 'no department'})`}  the ${verdict.chain} ledger: ${verdict.entries} entries, every hash, link, signature and disclosed field checked`,
        `  anchors:   ${verdict.anchors}, each root recomputed from the entries and matched`,
        `  witnessed: ${verdict.witnessed.length} anchors${last ? `, the latest (${last.treeSize} entries) by ${last.witnessedBy.join(', ')}` : ''}`,
        `  ${quorum ? `${quorum.text}, at the anchor of ${quorum.treeSize} entries` : 'quorum: no anchor to count cosignatures of'}${verdict.ok ? '' : ' — not yet confirmed'}`,
        `  not yet anchored: the last ${verdict.unanchoredTail} entries`,
        `  trust:     ${trust.description}`,
        `  root:      ${trust.rootFingerprint}`,
        '',
      ].join('\n'),
    );
  } else {
    process.stdout.write(
      `INVALID  the ${verdict.chain} ledger, at ${verdict.failure!.at}: ${verdict.failure!.says} — FAILED (${verdict.failure!.id}): ${verdict.failure!.reason}\n  trust: ${trust.description}\n  root:  ${trust.rootFingerprint}\n`,
    );
  }
  process.exit(EXIT_CODE[verdict.verdict]);
}

/** What the --json output says of the trust it used: the root's fingerprint and the bundle's version. */
function trustFields(trust: LoadedTrust) {
  return { trust: trust.description, root: trust.rootFingerprint, trustBundleVersion: trust.bundle.version };
}

function describeReceipt(verdict: ReceiptVerdict, trust: LoadedTrust): string {
  const { summary } = verdict;
  const what = `${summary.type} — ${summary.department} ledger, entry ${summary.seq}, subject ${summary.subject}`;
  if (verdict.verdict === 'invalid') {
    const failure = verdict.failure!;
    return [
      `INVALID  ${what}`,
      `  failed check '${failure.id}': ${failure.says}`,
      `  reason: ${failure.reason}`,
      `  passed before it: ${verdict.checks.filter((check) => check.ok).length} checks`,
      `  trust: ${trust.description}`,
      `  root:  ${trust.rootFingerprint}`,
      '',
    ].join('\n');
  }
  const disclosed = Object.entries(summary.disclosed)
    .map(([field, value]) => `${field}=${JSON.stringify(value)}`)
    .join(', ');
  const witnesses = summary.witnessedBy.length > 0 ? summary.witnessedBy.join(', ') : 'no department';
  return [
    verdict.ok ? `VALID  ${what}` : `VALID — below quorum (witnessed by ${witnesses})  ${what}`,
    `  recorded:  ${summary.recordedAt} by ${summary.actor}`,
    `  disclosed: ${disclosed || '(nothing)'}`,
    `  withheld:  ${summary.withheld.length > 0 ? `${summary.withheld.join(', ')} (only their commitments)` : '(nothing)'}`,
    `  anchored:  by the notary at ${summary.anchoredAt} (tree of ${summary.anchoredTreeSize} entries)`,
    `  witnessed: ${summary.witnessedBy.length > 0 ? summary.witnessedBy.join(', ') : 'by no department yet'}`,
    `  ${verdict.quorum!.text}${verdict.ok ? '' : ' — not yet confirmed: the record checks out, but too few independent departments have cosigned its anchor'}`,
    `  checks:    ${verdict.checks.length} passed (${verdict.checks.map((check) => check.id).join(', ')})`,
    `  trust:     ${trust.description}`,
    `  root:      ${trust.rootFingerprint}`,
    `  This proves the record was in the ${summary.department} ledger as of the anchor; it does not prove`,
    `  that it is still current — a later entry may have corrected, transferred or revoked it.`,
    '',
  ].join('\n');
}
