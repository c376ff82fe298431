import './styles.css';

import { diplomaPage } from './pages/diploma-page.js';
import { operatorPage } from './pages/operator-page.js';
import { receiptPage } from './pages/receipt-page.js';
import { signInAnswerOf } from './sign-in.js';
import { showTrustRoot } from './trust-line.js';

const main = document.getElementById('main')!;
let leave: (() => void) | void = undefined;

/**
 * The identity provider sends the operator back to /portal/ with the code
 * (or an error) and the state in the query: the operator view takes them
 * once, and the address loses them at once, so that neither the history
 * nor a reload holds the code.
 */
let signInAnswer = signInAnswerOf(location.href);
if (signInAnswer) history.replaceState(null, '', `${location.pathname}#/operator`);

const TITLES: Record<string, string> = {
  diploma: 'Check a diploma',
  receipt: 'Check a receipt',
  operator: 'Operator view',
};

/** Pages by the URL's hash, so the notary serves one file and a page can be bookmarked and reloaded. */
function route(): void {
  const name = /^#\/(diploma|receipt|operator)/.exec(location.hash)?.[1] ?? 'diploma';
  if (leave) leave();
  const answer = signInAnswer;
  signInAnswer = undefined;
  leave = name === 'operator' ? operatorPage(main, answer) : name === 'receipt' ? receiptPage(main) : diplomaPage(main);
  document.title = `${TITLES[name]} — Registry Bus`;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-route]')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

window.addEventListener('hashchange', () => {
  route();
  main.focus();
});
route();
showTrustRoot(document.getElementById('trust-root')!);
