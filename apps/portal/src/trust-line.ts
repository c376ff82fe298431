import { h, show } from './dom.js';
import { PAGE_ROOT, loadTrust } from './verifier.js';

/**
 * The line at the foot of every page saying which governance root the page
 * checks under (built in; compare it with the one your government
 * publishes), and the trust bundle version it used. A root named in the
 * link (`?root=sha256:…`) is shown beside it, never used instead.
 */
export function showTrustRoot(line: HTMLElement): void {
  const named = new URLSearchParams(location.search).get('root');
  const fromLink = named
    ? h(
        'span',
        { id: 'trust-root-link' },
        ` The link you followed names the root ${/^sha256:[0-9a-f]{16}$/.test(named) ? named : '(not a fingerprint)'}: `,
        named === PAGE_ROOT?.fingerprint
          ? 'the same.'
          : 'not the one this page trusts; it is shown only, and receipts are still checked under the root above.',
      )
    : undefined;
  if (!PAGE_ROOT) {
    line.dataset.fingerprint = '';
    show(
      line,
      'This page was built without a governance root key: it cannot check receipts (it never takes the key from this site).',
      fromLink,
    );
    return;
  }
  line.dataset.fingerprint = PAGE_ROOT.fingerprint;
  const version = h('span', { id: 'trust-bundle-version' });
  show(
    line,
    'Receipts are checked under the governance root ',
    h('code', {}, PAGE_ROOT.fingerprint),
    ', built into this page.',
    version,
    fromLink,
  );
  loadTrust().then(
    ({ bundle }) => show(version, ` Trust bundle version ${bundle.version}.`),
    (error: unknown) => show(version, ` ${(error as Error).message}`),
  );
}
