import type { ReceiptCheck, ReceiptVerdict } from '@registry-bus/receipts';

/** `short`: checked and sound, but too few independent witnesses yet (the receipt is below quorum). */
export type Outcome = 'passed' | 'failed' | 'not-checked' | 'short';

export interface Headline {
  outcome: Outcome;
  text: string;
}

/** What a receipt proves and what it does not, as the page states it. */
export const WHAT_A_RECEIPT_PROVES =
  'A receipt proves that this record, exactly as shown, was in the department’s ledger when the notary anchored that ledger, and that the departments named checked the same ledger. It does not prove that the record is still current: a later entry may have corrected, transferred or revoked it, which only the register’s own answer today can tell.';

const NAMES: Record<string, string> = {
  land: 'the land registry',
  credit: 'the credit registry',
  diploma: 'the diploma registry',
  court: 'the court registry',
  bond: 'the bond registry',
  notary: 'the notary',
};

/** A department in words; a name of the bundle's outside witnesses (`host/path`, issue #23) as itself. */
export const nameOf = (department: string) =>
  NAMES[department] ?? (/[./]/.test(department) ? `the outside witness ${department}` : `department ${department}`);

/**
 * The verifier's checks, grouped into the four things a person wants to
 * know. A group passed when all its checks ran and passed, failed when one
 * failed, and was not checked when verification stopped before it (the
 * verifier stops at the first failure).
 */
export function headlines(verdict: ReceiptVerdict): Headline[] {
  const { summary } = verdict;
  const who = nameOf(summary.department);
  const cosignatureChecks = verdict.checks.filter(
    (check) =>
      check.id.startsWith('cosignature-') ||
      check.id.startsWith('latest-cosignature-') ||
      check.id === 'checkpoint' ||
      check.id === 'latest-checkpoint',
  );
  const witnesses = summary.witnessedBy;
  const { quorum } = verdict;
  const named =
    witnesses.length > 0
      ? `${witnesses.length} ${witnesses.length === 1 ? 'department' : 'departments'} witnessed that anchor: ${witnesses.map(nameOf).join(', ')}.`
      : 'No department’s witness signature is in this receipt yet.';
  return [
    {
      outcome: group(verdict.checks, ['format', 'entry-signature', 'entry-data']),
      text: `The record is exactly what ${who} signed: none of the fields shown was changed.`,
    },
    {
      outcome: group(verdict.checks, ['anchor-covers-entry', 'inclusion']),
      text: `It is entry ${summary.seq} of ${who}’s ledger, the ledger whose fingerprint the notary anchored.`,
    },
    {
      outcome: group(verdict.checks, ['anchor-signature', 'anchor-data', 'anchor-is-notary', 'keys-at-anchor']),
      text: summary.anchoredAt
        ? `The ledger was ${summary.firstAnchor ? 'first ' : ''}anchored by the notary on ${readable(summary.anchoredAt)} (${summary.anchoredTreeSize} entries)${summary.latest ? `, and again on ${readable(summary.latest.anchoredAt)} (${summary.latest.treeSize} entries, the same history)` : ''}, with the record’s key valid when the world first saw it${summary.keyJudgedAt ? ` (${readable(summary.keyJudgedAt)})` : ''}.`
        : verdict.verdict === 'unanchored'
          ? 'The notary has not anchored the ledger since this record: it is not yet held to an anchor.'
          : 'The ledger was anchored by the notary.',
    },
    {
      outcome: cosignatureChecks.some((check) => !check.ok)
        ? 'failed'
        : verdict.verdict === 'valid'
          ? 'passed'
          : verdict.verdict === 'below-quorum'
            ? 'short'
            : 'not-checked',
      text: !quorum
        ? named
        : quorum.met
          ? `${named} That is the ${quorum.required} independent witnesses its register needs.`
          : `${named} Not yet confirmed: it needs ${quorum.required} independent witnesses, and has ${quorum.counted.length} (${quorum.text}).`,
    },
  ];
}

function group(checks: readonly ReceiptCheck[], ids: readonly string[]): Outcome {
  const ran = checks.filter((check) => ids.includes(check.id));
  if (ran.some((check) => !check.ok)) return 'failed';
  return ran.length === ids.length ? 'passed' : 'not-checked';
}

function readable(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : `${date.toLocaleString('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'medium' })} UTC`;
}
