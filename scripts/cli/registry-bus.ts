// `npx registry-bus <verify|verify-ledger|consistent> …`: checks receipts and
// whole exported ledgers offline, with the same pure code a web page runs
// (libs/receipts over libs/merkle and libs/protocol), and whether two of them
// see one history (`consistent`: the older tree a prefix of the newer).
// Exit codes: 0 valid, 1 a check failed, 2 the input could not be read
// (usage, file, trust, proof), 3 every check passed but the anchor lacks its
// quorum of independent witnesses (not yet confirmed: `VALID — below quorum`).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { verifyEd25519Node, parseStrictJson } from '@registry-bus/protocol';
import { verifyLedgerExport, verifyReceipt, type ReceiptVerdict } from '@registry-bus/receipts';

import {
  checkConsistent,
  consistencyAnswer,
  exportView,
  needsProof,
  olderAndNewer,
  receiptView,
  type ConsistencyAnswer,
  type TreeView,
} from './consistent.js';
import { readLedgerExport, readReceipt, readReceiptOrExport } from './read-inputs.js';
import { INSTALLATION_ROOT_FILE, loadTrust, type LoadedTrust } from './trust-file.js';

const USAGE = `usage:
  registry-bus verify <receipt.json> [--trust <bundle.json>] [--root <trust-root.pub>] [--json]
  registry-bus verify-ledger <ledger.jsonl> [--trust <bundle.json>] [--root <trust-root.pub>] [--json]
  registry-bus consistent <a> <b> [--proof <proof.json> | --from <department URL>]
    two receipts or two exports of one chain: is the older tree a prefix of the newer?
    (two receipts need the ledger's consistency proof; signatures are not checked: verify each file)
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
        proof: { type: 'string' },
        from: { type: 'string' },
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
if (command === 'consistent') {
  if (positionals.length !== 3 || (values.proof && values.from)) unreadable(USAGE);
  await consistent(positionals[1]!, positionals[2]!);
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
const text = orUnreadable(() => readText(file));

if (command === 'verify') {
  const receipt = orUnreadable(() => readReceipt(text, file));
  const verdict = verifyReceipt(receipt, trust.bundle, verifyEd25519Node);
  process.stdout.write(
    values.json
      ? `${JSON.stringify({ ...trustFields(trust), ...verdict }, null, 2)}\n`
      : describeReceipt(verdict, trust),
  );
  process.exit(EXIT_CODE[verdict.verdict]);
} else {
  const lines = orUnreadable(() => readLedgerExport(text, file));
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

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

function orUnreadable<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    return unreadable((error as Error).message);
  }
}

/** `consistent <a> <b>`: CONSISTENT exit 0, INCONSISTENT exit 1, anything it cannot judge exit 2. */
async function consistent(fileA: string, fileB: string): Promise<never> {
  const view = (path: string): TreeView =>
    orUnreadable(() => {
      const input = readReceiptOrExport(readText(path), path);
      return input.kind === 'export' ? exportView(input.lines, path) : receiptView(input.receipt, path);
    });
  const [older, newer] = orUnreadable(() => olderAndNewer(view(fileA), view(fileB)));
  const answer = needsProof(older, newer) ? await proofFor(older, newer) : undefined;
  const verdict = orUnreadable(() => checkConsistent(older, newer, answer));
  if (!verdict.consistent) {
    process.stdout.write(`INCONSISTENT ${verdict.chain} ${verdict.from} → ${verdict.to}: ${verdict.reason}\n`);
    process.exit(1);
  }
  process.stdout.write(
    [
      `CONSISTENT ${verdict.chain} ${verdict.from} → ${verdict.to}`,
      `  ${older.size} entries: root ${older.root} (${older.file})`,
      `  ${newer.size} entries: root ${newer.root} (${newer.file})`,
      `  ${answer ? `checked with the ledger's consistency proof (${answer.proof.length} hashes)` : newer.entryHashes ? 'checked entry by entry' : 'equal roots'}; signatures not checked (registry-bus verify each file)`,
      '',
    ].join('\n'),
  );
  process.exit(0);
}

/** The route's answer, from `--proof <file>` or fetched from `--from <url>`. */
async function proofFor(older: TreeView, newer: TreeView): Promise<ConsistencyAnswer> {
  if (values.proof) {
    const path = values.proof;
    return orUnreadable(() => consistencyAnswer(parseStrictJson(readText(path), 'the consistency proof'), path));
  }
  if (!values.from)
    return unreadable(
      `${newer.file} lists no entries: a consistency proof is needed (--proof <proof.json> or --from <department URL>)`,
    );
  const query = new URLSearchParams({ from: String(older.size), to: String(newer.size), chain: older.chain });
  const url = `${values.from.replace(/\/+$/, '')}/v1/ledger/consistency?${query}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((error: Error) =>
    unreadable(`${url} did not answer: ${error.message}`),
  );
  const body = await response.text();
  if (!response.ok) return unreadable(`${url} answered ${response.status}: ${body.slice(0, 500)}`);
  return orUnreadable(() => consistencyAnswer(parseStrictJson(body, 'the consistency proof'), url));
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
