import { h, problemOf, show, when } from '../dom.js';
import { WHAT_A_RECEIPT_PROVES } from '../plain-words.js';
import { verdictView } from '../verdict-view.js';
import { checkReceipt } from '../verifier.js';
import { readJsonAnswer } from '../read-json.js';

interface DiplomaStatus {
  diplomaNumber: string;
  status: 'valid' | 'revoked';
  institution: { institutionId: string; name: string | null };
  programme: string;
  degree: string;
  awardedOn: string;
  issuedAt: string | null;
  revoked?: { since: string | null; reason: string | null; byJudgment: boolean };
  /** `chain` names the shard when the diploma registry is sharded. */
  receipts: Array<{ seq: number; type: string; time: string; chain?: string }>;
}

/** How long the page waits for the notary to anchor a fresh entry before it says so and stops. */
const ANCHOR_WAIT_MS = 60_000;

/** Check a diploma: its status from the diploma registry, and its receipt verified here. */
export function diplomaPage(main: HTMLElement): void {
  const input = h('input', {
    id: 'diploma-number',
    name: 'diplomaNumber',
    required: true,
    autocomplete: 'off',
    autocapitalize: 'characters',
    spellcheck: 'false',
    pattern: '[A-Za-z0-9][A-Za-z0-9/\\-]{2,39}',
    'aria-describedby': 'diploma-number-hint',
  });
  const result = h('div', { id: 'diploma-result', 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'ask' },
    h('label', { for: 'diploma-number' }, 'Diploma number'),
    h('p', { id: 'diploma-number-hint', class: 'hint' }, 'As printed on the diploma, e.g. TSU-2026-0001.'),
    h('div', { class: 'row' }, input, h('button', { type: 'submit' }, 'Check')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void lookUp(input.value.trim().toUpperCase(), result);
  });
  show(
    main,
    h('h1', {}, 'Check a diploma'),
    h(
      'p',
      {},
      'Enter a diploma number to see whether it is valid today, and to check in this browser that the register’s record of it is genuine. The holder’s name is never shown.',
    ),
    form,
    result,
    h('aside', { class: 'note' }, h('h2', {}, 'What a receipt proves'), h('p', {}, WHAT_A_RECEIPT_PROVES)),
  );
  input.focus();
}

async function lookUp(number: string, result: HTMLElement): Promise<void> {
  show(result, h('p', { class: 'busy' }, `Asking the diploma registry about ${number}…`));
  const response = await fetch(`/v1/portal/diplomas/${encodeURIComponent(number)}`, {
    headers: { accept: 'application/json' },
  });
  if (!response.ok) {
    show(result, h('p', { class: 'error', role: 'alert' }, `No answer for ${number}: ${await problemOf(response)}`));
    return;
  }
  const status = (await readJsonAnswer(response, 'the diploma status')) as DiplomaStatus;
  const receiptArea = h('div', { class: 'receipt-area' });
  show(result, statusCard(status), receiptArea);
  // The latest entry is the one the status rests on: the revocation of a revoked diploma, otherwise its issue or last correction.
  const latest = [...status.receipts].sort((a, b) => b.seq - a.seq)[0];
  if (!latest) return;
  await verifyEntry(latest.seq, latest.chain, receiptArea);
}

function statusCard(status: DiplomaStatus): HTMLElement {
  const revoked = status.status === 'revoked';
  return h(
    'section',
    { class: `status ${revoked ? 'bad' : 'ok'}`, 'data-status': status.status, 'aria-labelledby': 'status-title' },
    h('h2', { id: 'status-title' }, `${status.diplomaNumber}: ${revoked ? 'REVOKED' : 'VALID'}`),
    revoked
      ? h(
          'p',
          { class: 'revocation' },
          'Revoked since ',
          when(status.revoked?.since),
          `. Reason: ${status.revoked?.reason ?? 'not given'}`,
          status.revoked?.byJudgment ? ' (by a court judgment).' : '.',
        )
      : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Institution'),
      h('dd', {}, status.institution.name ?? status.institution.institutionId),
      h('dt', {}, 'Programme'),
      h('dd', {}, status.programme),
      h('dt', {}, 'Degree'),
      h('dd', {}, status.degree),
      h('dt', {}, 'Awarded on'),
      h('dd', {}, status.awardedOn),
      h('dt', {}, 'Registered'),
      h('dd', {}, when(status.issuedAt)),
    ),
  );
}

async function verifyEntry(seq: number, chain: string | undefined, area: HTMLElement): Promise<void> {
  const deadline = Date.now() + ANCHOR_WAIT_MS;
  const query = chain?.includes('/') ? `?chain=${encodeURIComponent(chain)}` : '';
  for (;;) {
    const response = await fetch(`/v1/portal/receipts/diploma/${seq}${query}`, {
      headers: { accept: 'application/json' },
    });
    if (response.status === 202) {
      if (Date.now() > deadline) {
        show(
          area,
          h(
            'p',
            { class: 'error', role: 'alert' },
            'The notary has not anchored this entry yet; try again in a minute.',
          ),
        );
        return;
      }
      show(area, h('p', { class: 'busy' }, 'The entry is recorded; waiting for the notary to anchor it…'));
      const wait = Math.min(3, Number(response.headers.get('retry-after') ?? 2) || 2);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      continue;
    }
    if (!response.ok) {
      show(
        area,
        h('p', { class: 'error', role: 'alert' }, `The receipt could not be fetched: ${await problemOf(response)}`),
      );
      return;
    }
    try {
      const receipt = await readJsonAnswer(response, 'the receipt');
      show(area, verdictView(await checkReceipt(receipt)));
    } catch (error) {
      show(area, h('p', { class: 'error', role: 'alert' }, (error as Error).message));
    }
    return;
  }
}
