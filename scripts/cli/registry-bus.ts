// `npx registry-bus <verify|verify-ledger|consistent> …`: checks receipts and
// whole exported ledgers offline, with the same pure code a web page runs
// (libs/receipts over libs/merkle and libs/protocol), and whether two of them
// see one history (`consistent`: the older tree a prefix of the newer).
// Exit codes: 0 valid, 1 a check failed, 2 the input could not be read
// (usage, file, trust, proof, checkpoint), 3 every check passed but the anchor
// lacks its quorum of independent witnesses (not yet confirmed: `VALID —
// below quorum`); for an export held to the latest checkpoint (issue #23):
// 4 valid but its freshness unchecked (no checkpoint given), 5 stale (older
// than the checkpoint). docs/RECEIPTS.md, "Freshness"; for a receipt of an
// entry no anchor covers yet (issue #24): 6 unanchored.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { parseChain, verifyEd25519Node, parseStrictJson } from '@registry-bus/protocol';
import {
  exportFreshness,
  verifyLedgerExport,
  verifyReceipt,
  type ExportFreshness,
  type LedgerExportVerdict,
  type ReceiptVerdict,
} from '@registry-bus/receipts';

import {
  checkConsistent,
  consistencyAnswer,
  exportView,
  needsProof,
  olderAndNewer,
  receiptView,
  rootOf,
  type ConsistencyAnswer,
  type TreeView,
} from './consistent.js';
import { readLedgerExport, readReceipt, readReceiptOrExport } from './read-inputs.js';
import { INSTALLATION_ROOT_FILE, loadTrust, type LoadedTrust } from './trust-file.js';

const USAGE = `usage:
  registry-bus verify <receipt.json> [--trust <bundle.json>] [--root <trust-root.pub>] [--json]
  registry-bus verify-ledger <ledger.jsonl> [--checkpoint <note> | --from <notary URL>]
                             [--trust <bundle.json>] [--root <trust-root.pub>] [--json]
    --checkpoint / --from (or --checkpoint-from): the latest checkpoint of the chain, a file or
    fetched from <notary URL>/v1/checkpoints/<chain>, which the export must be consistent and up to date with
  registry-bus consistent <a> <b> [--proof <proof.json> | --from <department URL>]
                          [--checkpoint <note> | --checkpoint-from <notary URL>] [--trust …] [--root …]
    two receipts or two exports of one chain: is the older tree a prefix of the newer?
    (two receipts need the ledger's consistency proof; signatures are not checked: verify each file;
    a checkpoint is held to the newer input, which must then be an export)
exit codes: 0 valid, 1 a check failed, 2 unreadable input, 3 valid but below the witness quorum,
  4 valid but freshness unchecked (verify-ledger without a checkpoint), 5 stale: older than the checkpoint,
  6 unanchored: the entry checks out, but no anchor covers it yet (verify)`;

/** The exit code of a verdict: below quorum is neither valid nor invalid. */
const EXIT_CODE = { valid: 0, invalid: 1, 'below-quorum': 3, unanchored: 6 } as const;
/** An export's exit code once its checks passed with its quorum: how it stands against the latest checkpoint. */
const FRESHNESS_EXIT_CODE = { fresh: 0, unchecked: 4, stale: 5 } as const;

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
        checkpoint: { type: 'string' },
        'checkpoint-from': { type: 'string' },
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
  if (positionals.length !== 3 || (values.proof && values.from) || (values.checkpoint && values['checkpoint-from']))
    unreadable(USAGE);
  await consistent(positionals[1]!, positionals[2]!);
}
if (!command || !file || positionals.length > 2 || !['verify', 'verify-ledger'].includes(command)) unreadable(USAGE);
// verify-ledger asks no department for a proof: its --from is the notary, as --checkpoint-from is.
const notaryUrl = values['checkpoint-from'] ?? values.from;
if ([values.checkpoint, values.from, values['checkpoint-from']].filter(Boolean).length > 1) unreadable(USAGE);

if (command === 'verify' && (values.checkpoint || notaryUrl))
  unreadable('--checkpoint and --from hold a ledger export to the latest checkpoint: use them with verify-ledger');

const trust = trustOrUnreadable();
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
  const header = lines[0];
  const outside = await outsideCheckpoint(header?.kind === 'header' ? header.chain : undefined, notaryUrl, file);
  const verdict = verifyLedgerExport(lines, trust.bundle, verifyEd25519Node, outside && { note: outside.note });
  if (verdict.freshness?.status === 'refused')
    unreadable(`cannot hold ${file} to the checkpoint from ${outside!.source}: ${verdict.freshness.reason}`);
  if (values.json) process.stdout.write(`${JSON.stringify({ ...trustFields(trust), ...verdict }, null, 2)}\n`);
  else process.stdout.write(describeLedger(verdict, trust));
  process.exit(ledgerExitCode(verdict));
}

/**
 * An export's exit code. A failed check (against the checkpoint too) is 1;
 * below quorum keeps its 3 whatever the freshness — its own anchors are not
 * yet confirmed, and a checkpoint does not confirm them for it; else the
 * freshness decides: 0 fresh, 4 unchecked, 5 stale.
 */
function ledgerExitCode(verdict: LedgerExportVerdict): number {
  if (verdict.verdict !== 'valid') return EXIT_CODE[verdict.verdict];
  const status = verdict.freshness?.status ?? 'unchecked';
  // A contradiction is verdict `invalid`, a refused checkpoint exited 2: neither is left here.
  return status === 'contradicted' || status === 'refused' ? EXIT_CODE.invalid : FRESHNESS_EXIT_CODE[status];
}

function describeLedger(verdict: LedgerExportVerdict, trust: LoadedTrust): string {
  if (verdict.verdict === 'invalid')
    return `INVALID  the ${verdict.chain} ledger, at ${verdict.failure!.at}: ${verdict.failure!.says} — FAILED (${verdict.failure!.id}): ${verdict.failure!.reason}\n  trust: ${trust.description}\n  root:  ${trust.rootFingerprint}\n`;
  const last = verdict.witnessed.at(-1);
  const { quorum, freshness } = verdict;
  const headline = verdict.ok
    ? freshnessHeadline(freshness!, verdict.entries)
    : `VALID — below quorum (witnessed by ${last ? last.witnessedBy.join(', ') : 'no department'})`;
  return [
    `${headline}  the ${verdict.chain} ledger: ${verdict.entries} entries, every hash, link, signature and disclosed field checked`,
    `  anchors:   ${verdict.anchors}, each root recomputed from the entries and matched`,
    `  witnessed: ${verdict.witnessed.length} anchors${last ? `, the latest (${last.treeSize} entries) by ${last.witnessedBy.join(', ')}` : ''}`,
    `  ${quorum ? `${quorum.text}, at the anchor of ${quorum.treeSize} entries` : 'quorum: no anchor to count cosignatures of'}${verdict.ok ? '' : ' — not yet confirmed'}`,
    `  not yet anchored: the last ${verdict.unanchoredTail} entries`,
    `  ${freshnessLine(freshness!)}`,
    `  trust:     ${trust.description}`,
    `  root:      ${trust.rootFingerprint}`,
    '',
  ].join('\n');
}

/** `VALID (fresh: …)`, `VALID (freshness unchecked)` or `STALE (…)`: the verdict word of an export with its quorum. */
function freshnessHeadline(freshness: ExportFreshness, entries: number): string {
  switch (freshness.status) {
    case 'fresh':
      return `VALID (${freshness.text})`;
    case 'stale':
      return `STALE (checkpoint ${freshness.checkpoint.size} cosigned by ${freshness.checkpoint.quorum.counted.join(', ')} ${freshness.age} ago; the export has ${entries} entries)`;
    case 'unchecked':
      return 'VALID (freshness unchecked)';
    // Neither reaches a headline: a contradiction is INVALID, a refused checkpoint exit 2.
    case 'contradicted':
    case 'refused':
      return `INVALID (${freshness.text})`;
    default:
      return assertUnreachable(freshness);
  }
}

/** The `freshness:` line of an export's report. */
function freshnessLine(freshness: ExportFreshness): string {
  return freshness.status === 'unchecked'
    ? `freshness: unchecked — pass --checkpoint <note> or --from <notary URL> to hold the export to the latest checkpoint a quorum cosigned`
    : `freshness: ${freshness.text}`;
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled ${JSON.stringify(value)}`);
}

/**
 * The latest checkpoint of `chain` to hold an export to: the note in
 * `--checkpoint <file>`, or fetched from the notary at `notary`
 * (`GET <notary>/v1/checkpoints/<chain>`); none without either.
 */
async function outsideCheckpoint(
  chain: string | undefined,
  notary: string | undefined,
  file: string,
): Promise<{ note: string; source: string } | undefined> {
  if (values.checkpoint) {
    const path = values.checkpoint;
    return { note: orUnreadable(() => readText(path)), source: path };
  }
  if (!notary) return undefined;
  // The chain goes into the notary's URL: only an id of the one identifier module's shape.
  if (chain === undefined || !parseChain(chain))
    return unreadable(`${file} names no chain in its header to fetch the checkpoint of`);
  const url = `${notary.replace(/\/+$/, '')}/v1/checkpoints/${chain}`;
  return { note: await fetchText(url), source: url };
}

function trustOrUnreadable(): LoadedTrust {
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
}

/** The body of a GET that answered 2xx; anything else is input the CLI cannot use (exit 2). */
async function fetchText(url: string): Promise<string> {
  // Node's fetch trusts NODE_EXTRA_CA_CERTS (a development CA) as well as the system's roots.
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((error: Error) =>
    unreadable(`${url} did not answer: ${error.message}`),
  );
  const body = await response.text();
  if (!response.ok) return unreadable(`${url} answered ${response.status}: ${body.slice(0, 500)}`);
  return body;
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

/**
 * `consistent <a> <b>`: CONSISTENT exit 0, INCONSISTENT exit 1, anything it
 * cannot judge exit 2. With a checkpoint, the newer input (an export) is held
 * to it too: INCONSISTENT 1 when it contradicts it, STALE 5 when older, and
 * `(fresh: …)` 0. Without one, freshness is not its question: 0 as before.
 */
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
  const held = values.checkpoint || values['checkpoint-from'] ? heldToCheckpoint(older, newer) : undefined;
  const freshness = held && (await againstCheckpoint(held));
  if (freshness?.status === 'contradicted') {
    process.stdout.write(`INCONSISTENT ${verdict.chain} ${held!.file} and the latest checkpoint: ${freshness.text}\n`);
    process.exit(1);
  }
  const range = `${verdict.chain} ${verdict.from} → ${verdict.to}`;
  const stale = freshness?.status === 'stale';
  const headline = stale
    ? `STALE ${range}: consistent with each other, but ${held!.file} is older than the latest checkpoint`
    : `CONSISTENT ${range}${freshness?.status === 'fresh' ? ` (${freshness.text})` : ''}`;
  process.stdout.write(
    [
      headline,
      `  ${older.size} entries: root ${older.root} (${older.file})`,
      `  ${newer.size} entries: root ${newer.root} (${newer.file})`,
      `  ${answer ? `checked with the ledger's consistency proof (${answer.proof.length} hashes)` : newer.entryHashes ? 'checked entry by entry' : 'equal roots'}; signatures not checked (registry-bus verify each file)`,
      ...(stale ? [`  ${freshness.text}`] : []),
      '',
    ].join('\n'),
  );
  process.exit(stale ? FRESHNESS_EXIT_CODE.stale : 0);
}

/**
 * The input `consistent --checkpoint` holds to the checkpoint: the newer,
 * when it is an export (of two trees of one size, the export among them).
 * A receipt states no entries to recompute a root from: refused (exit 2).
 */
function heldToCheckpoint(older: TreeView, newer: TreeView): TreeView & { entryHashes: string[] } {
  const held = newer.entryHashes || older.size !== newer.size ? newer : older;
  if (!held.entryHashes)
    return unreadable(
      `${newer.file} is a receipt: a checkpoint is held to the newer input when it is an export (registry-bus verify-ledger --checkpoint for one export)`,
    );
  return { ...held, entryHashes: held.entryHashes };
}

/** An export's view against the checkpoint of `--checkpoint` or `--checkpoint-from <notary URL>`. */
async function againstCheckpoint(held: TreeView & { entryHashes: string[] }): Promise<ExportFreshness> {
  const trust = trustOrUnreadable();
  const outside = (await outsideCheckpoint(held.chain, values['checkpoint-from'], held.file))!;
  const freshness = exportFreshness({ note: outside.note }, held.chain, trust.bundle, held.size, (size) =>
    rootOf(held.entryHashes.slice(0, size)),
  );
  if (freshness.status === 'refused')
    return unreadable(`cannot hold ${held.file} to the checkpoint from ${outside.source}: ${freshness.reason}`);
  return freshness;
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
  const body = await fetchText(url);
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
  const recorded = [
    `  recorded:  ${summary.recordedAt} by ${summary.actor}`,
    `  disclosed: ${disclosed || '(nothing)'}`,
    `  withheld:  ${summary.withheld.length > 0 ? `${summary.withheld.join(', ')} (only their commitments)` : '(nothing)'}`,
  ];
  const checked = [
    `  checks:    ${verdict.checks.length} passed (${verdict.checks.map((check) => check.id).join(', ')})`,
    `  trust:     ${trust.description}`,
    `  root:      ${trust.rootFingerprint}`,
  ];
  if (verdict.verdict === 'unanchored')
    return [
      `UNANCHORED  ${what}`,
      ...recorded,
      `  anchored:  not yet — no anchor of the notary covers this entry, so only its signer says when it was made`,
      `  key:       valid under trust bundle version ${trust.bundle.version} as of ${summary.keyJudgedAt} (judged now, not at a time the world fixed)`,
      ...checked,
      `  Fetch the receipt again once the notary has anchored the entry (every few seconds): then it proves`,
      `  the record was in the ${summary.department} ledger, with its key judged at its first anchor.`,
      '',
    ].join('\n');
  const anchoredLine = `  anchored:  ${summary.firstAnchor ? 'first ' : ''}by the notary at ${summary.anchoredAt} (tree of ${summary.anchoredTreeSize} entries)`;
  return [
    verdict.ok ? `VALID  ${what}` : `VALID — below quorum (witnessed by ${witnesses})  ${what}`,
    ...recorded,
    anchoredLine,
    ...(summary.latest
      ? [
          `  latest:    by the notary at ${summary.latest.anchoredAt} (tree of ${summary.latest.treeSize} entries), consistent with the first`,
        ]
      : []),
    ...(summary.keyJudgedAt
      ? [`  key time:  ${summary.keyJudgedAt} (${summary.keyJudgedBy}): the key was valid then`]
      : []),
    `  witnessed: ${summary.witnessedBy.length > 0 ? summary.witnessedBy.join(', ') : 'by no department yet'}`,
    `  ${verdict.quorum!.text}${verdict.ok ? '' : ' — not yet confirmed: the record checks out, but too few independent departments have cosigned its anchor'}`,
    ...checked,
    `  This proves the record was in the ${summary.department} ledger as of the anchor; it does not prove`,
    `  that it is still current — a later entry may have corrected, transferred or revoked it.`,
    '',
  ].join('\n');
}
