import type { ReceiptVerdict } from '@registry-bus/receipts';

import { h, when } from './dom.js';
import { headlines, nameOf, type Outcome } from './plain-words.js';

const OUTCOME_WORDS: Record<Outcome, string> = {
  passed: 'Passed',
  failed: 'Failed',
  'not-checked': 'Not checked',
  short: 'Not yet confirmed',
};

const VERDICT_CLASS = { valid: 'ok', 'below-quorum': 'pending', unanchored: 'pending', invalid: 'bad' } as const;

const value = (field: unknown) => (typeof field === 'string' ? field : JSON.stringify(field));

/**
 * A verdict as the page shows it: one sentence on top, the four plain-word
 * headlines, what the record discloses and withholds, and every check.
 * Four verdicts: valid, not yet confirmed (every check passed, but too few
 * independent departments witnessed the anchor), not yet anchored (the
 * record is what its register signed, but no anchor covers it yet: issue
 * #24) and invalid. `data-verdict` (`valid`, `below-quorum`, `unanchored`,
 * `invalid`) and `data-failed-check` carry it for
 * machines (the browser test compares them with the CLI's).
 */
export function verdictView(verdict: ReceiptVerdict): HTMLElement {
  const { summary, failure, quorum } = verdict;
  const title =
    verdict.verdict === 'valid'
      ? 'All checks passed'
      : verdict.verdict === 'below-quorum'
        ? 'Not yet confirmed: every check passed, but too few independent departments have witnessed it'
        : verdict.verdict === 'unanchored'
          ? 'Not yet anchored: the record is what its register signed, but the notary has not anchored it yet'
          : `A check failed: ${failure?.says ?? 'the receipt could not be read'}`;
  return h(
    'section',
    {
      class: `verdict ${VERDICT_CLASS[verdict.verdict]}`,
      'data-verdict': verdict.verdict,
      'data-failed-check': failure?.id,
      'aria-labelledby': 'verdict-title',
    },
    h('h2', { id: 'verdict-title', tabindex: -1 }, title),
    failure?.reason ? h('p', { class: 'reason' }, `Why: ${failure.reason}.`) : null,
    verdict.verdict === 'below-quorum' && quorum
      ? h(
          'p',
          { class: 'reason', 'data-shortfall': quorum.shortfall },
          `Why not yet: ${quorum.shortfall}. The record is what its register signed; it is confirmed once ${quorum.required} of the departments that witness this register have cosigned an anchor covering it.`,
        )
      : null,
    verdict.verdict === 'unanchored'
      ? h(
          'p',
          { class: 'reason' },
          `Why not yet: only the register itself says when this record was made; its key was checked against the trust bundle as of ${summary.keyJudgedAt ?? 'now'}. Ask the register for the receipt again in a few seconds, once the notary has anchored it.`,
        )
      : null,
    h(
      'ul',
      { class: 'headlines' },
      headlines(verdict).map((line) =>
        h('li', { class: line.outcome }, h('span', { class: 'badge' }, OUTCOME_WORDS[line.outcome]), ' ', line.text),
      ),
    ),
    h('h3', {}, 'The record'),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'What'),
      h('dd', {}, h('code', {}, summary.type)),
      h('dt', {}, 'Register'),
      h('dd', {}, `${nameOf(summary.department)}, entry ${summary.seq}`),
      h('dt', {}, 'About'),
      h('dd', {}, summary.subject),
      h('dt', {}, 'Recorded'),
      h('dd', {}, when(summary.recordedAt), ` by ${summary.actor}`),
    ),
    h(
      'h3',
      {},
      verdict.verdict === 'valid'
        ? 'Disclosed fields'
        : verdict.verdict === 'below-quorum' || verdict.verdict === 'unanchored'
          ? 'Disclosed fields (not yet confirmed)'
          : 'Disclosed fields (as the file says — not to be relied on)',
    ),
    Object.keys(summary.disclosed).length === 0
      ? h('p', {}, 'None.')
      : h(
          'dl',
          { class: 'fields' },
          Object.entries(summary.disclosed).flatMap(([name, field]) => [h('dt', {}, name), h('dd', {}, value(field))]),
        ),
    summary.withheld.length > 0
      ? h('p', {}, `Withheld (only a sealed fingerprint of each is in the receipt): ${summary.withheld.join(', ')}.`)
      : null,
    h(
      'details',
      {},
      h('summary', {}, `Every check (${verdict.checks.length})`),
      h(
        'ol',
        { class: 'checks' },
        verdict.checks.map((check) =>
          h(
            'li',
            { class: check.ok ? 'passed' : 'failed', 'data-check': check.id },
            h('span', { class: 'badge' }, check.ok ? 'Passed' : 'Failed'),
            ' ',
            h('code', {}, check.id),
            `: ${check.says}`,
            check.reason ? ` — ${check.reason}` : '',
          ),
        ),
      ),
    ),
  );
}
