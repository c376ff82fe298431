import { h, show } from '../dom.js';
import { WHAT_A_RECEIPT_PROVES } from '../plain-words.js';
import { verdictView } from '../verdict-view.js';
import { checkReceipt } from '../verifier.js';
import { readJson } from '../read-json.js';

/** Largest receipt the page reads: receipts are a few kilobytes; anything this big is not one. */
const MAX_BYTES = 2 * 1024 * 1024;

/** Check any receipt: a file dropped or chosen, or pasted text. */
export function receiptPage(main: HTMLElement): void {
  const result = h('div', { id: 'receipt-result', 'aria-live': 'polite' });
  const file = h('input', { id: 'receipt-file', type: 'file', accept: '.json,application/json' });
  const drop = h(
    'div',
    { class: 'drop', id: 'receipt-drop' },
    h('label', { for: 'receipt-file' }, 'Receipt file'),
    h(
      'p',
      { class: 'hint' },
      'Choose the file, or drop it here: a land title extract, a judgment, a pledge, a diploma…',
    ),
    file,
  );
  const text = h('textarea', { id: 'receipt-text', rows: 6, spellcheck: 'false' });
  const paste = h(
    'form',
    { class: 'ask' },
    h('label', { for: 'receipt-text' }, 'Or paste the receipt'),
    text,
    h('button', { type: 'submit' }, 'Check'),
  );

  file.addEventListener('change', () => {
    const chosen = file.files?.[0];
    if (chosen) void readFile(chosen, result);
  });
  drop.addEventListener('dragover', (event) => {
    event.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('over');
    const dropped = event.dataTransfer?.files?.[0];
    if (dropped) void readFile(dropped, result);
  });
  paste.addEventListener('submit', (event) => {
    event.preventDefault();
    void check(text.value, result);
  });

  show(
    main,
    h('h1', {}, 'Check a receipt'),
    h(
      'p',
      {},
      'A receipt is a small file any department gives for an entry of its register. This page checks it here, in your browser: the file is not uploaded anywhere.',
    ),
    drop,
    paste,
    result,
    h('aside', { class: 'note' }, h('h2', {}, 'What a receipt proves'), h('p', {}, WHAT_A_RECEIPT_PROVES)),
  );
}

async function readFile(file: File, result: HTMLElement): Promise<void> {
  if (file.size > MAX_BYTES) {
    show(
      result,
      h('p', { class: 'error', role: 'alert' }, `${file.name} is ${file.size} bytes: too large to be a receipt.`),
    );
    return;
  }
  await check(await file.text(), result);
}

async function check(text: string, result: HTMLElement): Promise<void> {
  let receipt: unknown;
  try {
    receipt = readJson(text, 'the receipt');
  } catch (error) {
    show(
      result,
      h(
        'p',
        { class: 'error', role: 'alert' },
        `This is not a receipt: it cannot be read (${(error as Error).message}).`,
      ),
    );
    return;
  }
  try {
    const view = verdictView(await checkReceipt(receipt));
    show(result, view);
    view.querySelector<HTMLElement>('#verdict-title')?.focus();
  } catch (error) {
    show(result, h('p', { class: 'error', role: 'alert' }, (error as Error).message));
  }
}
