import { h, problemOf, show, when } from '../dom.js';
import { nameOf } from '../plain-words.js';
import { readJsonAnswer } from '../read-json.js';
import {
  beginSignIn,
  completeSignIn,
  hasEnded,
  loadSignInSettings,
  operatorSession,
  type SignInOutcome,
  type SignInSettings,
} from '../sign-in.js';
import { shardOfChain } from '@registry-bus/protocol';

interface DepartmentOverview {
  department: string;
  /** The department's chain, or one shard of a sharded register (a row each). */
  chain: string;
  reachable: boolean;
  error?: string;
  head: { treeSize: number; root: string; time: string } | null;
  lastAnchor: { notarySeq: number; treeSize: number; anchoredAt: string; witnessedBy: string[] } | null;
  lastWitnessedAnchor: {
    notarySeq: number;
    treeSize: number;
    witnessedBy: string[];
    quorum?: { required: number; counted: string[]; met: boolean; text: string };
  } | null;
  publish: { unpublished: number | null; lagSeconds: number | null };
  consumerLagRecords: number | null;
  quarantined: number | null;
  alarms: number | null;
}
interface Alarm {
  department: string;
  seq: number;
  time: string;
  kind: string;
  chain: string;
  detail: string;
}
interface Overview {
  at: string;
  departments: DepartmentOverview[];
  alarms: Alarm[];
}
interface FeedItem {
  chain: string;
  seq: number;
  type: string;
  time: string;
}

const REFRESH_MS = 2000;

/**
 * The operator view: every register's head, anchors, witnesses, lags,
 * quarantine and alarms, and the entries crossing the bus, refreshed every
 * two seconds while the page is open. The operator signs in at the state's
 * OpenID provider (authorization code with PKCE, sign-in.ts) for a notary
 * admin's or auditor's access token, or pastes a token (a service
 * account's, the break-glass admin's); either is kept for this browser tab
 * only. `answer` is the provider's answer when the page was opened by it.
 * Returns a function that stops refreshing.
 */
export function operatorPage(main: HTMLElement, answer?: URL): () => void {
  const token = h('input', { id: 'operator-token', type: 'password', autocomplete: 'off', required: true });
  const form = h(
    'form',
    { class: 'ask' },
    h('label', { for: 'operator-token' }, 'Notary admin or auditor token'),
    h(
      'p',
      { class: 'hint' },
      'A service account’s or the break-glass admin’s. Kept in this tab only. `npm start` writes development tokens to .local/dev-tokens.json.',
    ),
    h('div', { class: 'row' }, token, h('button', { type: 'submit' }, 'Show')),
  );
  const account = h('div', { id: 'operator-session', 'aria-live': 'polite' });
  const state = h('p', { id: 'operator-state', class: 'hint', 'aria-live': 'polite' });
  const registers = h('div', { id: 'operator-registers' });
  const alarms = h('div', { id: 'operator-alarms' });
  const feed = h('div', { id: 'operator-feed' });
  const entry = h('div', { id: 'operator-entry', 'aria-live': 'polite' });
  let timer: number | undefined;
  let stopped = false;
  let settings: SignInSettings | undefined;

  const clearData = () => {
    for (const area of [registers, alarms, feed, entry]) show(area);
  };

  /** Who is signed in, or why nobody is, in plain words, with the one button that applies. */
  const showAccount = (notice?: HTMLElement) => {
    const session = operatorSession.read();
    if (session) {
      const signOut = h('button', { type: 'button', id: 'sign-out' }, 'Sign out');
      signOut.addEventListener('click', () => {
        operatorSession.forget();
        window.clearTimeout(timer);
        clearData();
        show(state);
        showAccount(h('p', { class: 'hint' }, 'Signed out: this tab holds no token any more.'));
      });
      show(
        account,
        notice,
        h(
          'p',
          {},
          session.via === 'sign-in'
            ? [
                'Signed in as ',
                h('strong', { id: 'operator-subject' }, session.subject ?? 'an operator'),
                ` at ${settings?.issuer ?? 'the identity provider'}`,
                session.expiresAt ? ', until ' : '',
                session.expiresAt ? when(new Date(session.expiresAt).toISOString()) : '',
                '.',
              ]
            : 'Using the token you gave.',
          ' ',
          signOut,
        ),
      );
      return;
    }
    if (!settings) {
      show(
        account,
        notice,
        h('p', {}, 'Signed out. This portal has no identity provider configured: use a token below.'),
      );
      return;
    }
    const signIn = h('button', { type: 'button', id: 'sign-in' }, 'Sign in');
    const provider = settings;
    signIn.addEventListener('click', () => {
      signIn.disabled = true;
      beginSignIn(provider).catch((error: unknown) => {
        signIn.disabled = false;
        showAccount(
          h(
            'p',
            { class: 'error', role: 'alert' },
            `The identity provider could not be reached: ${(error as Error).message}.`,
          ),
        );
      });
    });
    show(
      account,
      notice,
      h('p', {}, 'Signed out. Sign in with your operator account at ', h('strong', {}, provider.issuer), '. ', signIn),
    );
  };

  /** The session ended or was refused: forget it and say so; the data on the page goes with it. */
  const endSession = (why: string) => {
    operatorSession.forget();
    clearData();
    show(state);
    showAccount(h('p', { class: 'error', role: 'alert' }, why));
  };

  const refresh = async () => {
    const session = operatorSession.read();
    if (!session || stopped) return;
    if (hasEnded(session, Date.now())) {
      endSession('Your sign-in has ended (access tokens last a few minutes): sign in again to go on.');
      return;
    }
    const headers = { accept: 'application/json', authorization: `Bearer ${session.bearer}` };
    try {
      const [overview, latest] = await Promise.all([
        fetch('/v1/operator/overview', { headers }),
        fetch('/v1/operator/feed?limit=30', { headers }),
      ]);
      if (!overview.ok || !latest.ok) {
        const refused = !overview.ok ? overview : latest;
        const problem = await problemOf(refused);
        if (refused.status === 401 || refused.status === 403) {
          endSession(
            refused.status === 401
              ? `The notary no longer takes this sign-in (${problem}): sign in again.`
              : `Refused: ${problem}. The operator view is for the notary’s admins and auditors: sign in as one.`,
          );
          return;
        }
        show(state, h('span', { class: 'error', role: 'alert' }, `Refused: ${problem}`));
      } else {
        const data = (await readJsonAnswer(overview, 'the overview')) as Overview;
        const items = ((await readJsonAnswer(latest, 'the latest entries')) as { entries: FeedItem[] }).entries;
        show(registers, registersTable(data.departments, data.alarms));
        show(
          alarms,
          alarmList(data.alarms, (alarm) => void showEntry(alarm.department, alarm.seq, headers, entry)),
        );
        show(feed, feedList(items));
        show(state, 'Updated ', when(data.at), '.');
      }
    } catch (error) {
      show(
        state,
        h('span', { class: 'error', role: 'alert' }, `The notary did not answer: ${(error as Error).message}`),
      );
    }
    if (!stopped) timer = window.setTimeout(() => void refresh(), REFRESH_MS);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    operatorSession.keep({ bearer: token.value.trim(), via: 'token' });
    token.value = '';
    window.clearTimeout(timer);
    showAccount();
    void refresh();
  });

  show(
    main,
    h('h1', {}, 'Operator view'),
    account,
    form,
    state,
    h('section', { 'aria-labelledby': 'registers-title' }, h('h2', { id: 'registers-title' }, 'Registers'), registers),
    h('section', { 'aria-labelledby': 'alarms-title' }, h('h2', { id: 'alarms-title' }, 'Alarms'), alarms, entry),
    h(
      'section',
      { 'aria-labelledby': 'feed-title' },
      h('h2', { id: 'feed-title' }, 'Crossing the bus'),
      h('p', { class: 'hint' }, 'The latest entries the notary received: types and positions only, never data.'),
      feed,
    ),
  );

  const start = async () => {
    try {
      settings = await loadSignInSettings();
    } catch (error) {
      show(
        account,
        h(
          'p',
          { class: 'error', role: 'alert' },
          `The sign-in settings could not be read: ${(error as Error).message}`,
        ),
      );
    }
    if (answer) {
      show(account, h('p', {}, 'Finishing the sign-in…'));
      const outcome = await completeSignIn(answer).catch((error: unknown): SignInOutcome => ({
        ok: false,
        message: `The sign-in could not be finished: ${(error as Error).message}. Sign in again.`,
      }));
      if (stopped) return;
      if (!outcome.ok) {
        operatorSession.forget();
        showAccount(h('p', { class: 'error', role: 'alert', id: 'sign-in-refused' }, outcome.message));
        return;
      }
      operatorSession.keep(outcome.session);
    }
    if (stopped) return;
    showAccount();
    void refresh();
  };
  void start();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

const count = (n: number | null) => (n === null ? '—' : String(n));

function registersTable(departments: DepartmentOverview[], alarms: Alarm[]): HTMLElement {
  const rows = departments.map((d) => {
    const raised = (d.alarms ?? 0) > 0;
    // A register an alarm is about needs as much attention as the one that raised it.
    const about = [...new Set(alarms.filter((alarm) => alarm.chain === d.chain).map((alarm) => alarm.kind))];
    const shard = shardOfChain(d.chain);
    return h(
      'tr',
      {
        'data-department': d.department,
        'data-chain': d.chain,
        class: raised || about.length > 0 || !d.reachable ? 'attention' : undefined,
      },
      h(
        'th',
        { scope: 'row' },
        nameOf(d.department),
        shard === undefined ? '' : `, shard ${shard}`,
        d.reachable ? '' : h('span', { class: 'error' }, ` (unreachable${d.error ? `: ${d.error}` : ''})`),
        about.length > 0 ? h('span', { class: 'error' }, h('br'), `alarm: ${about.join(', ')}`) : null,
      ),
      h(
        'td',
        {},
        d.head ? `${d.head.treeSize} entries` : '—',
        d.head ? h('br') : null,
        d.head ? h('code', { title: d.head.root }, `${d.head.root.slice(0, 8)}…`) : null,
      ),
      h(
        'td',
        {},
        d.lastAnchor
          ? [`${d.lastAnchor.treeSize} entries, `, when(d.lastAnchor.anchoredAt)]
          : d.department === 'notary'
            ? 'held by its witnesses'
            : 'not yet',
      ),
      h(
        'td',
        {},
        d.lastWitnessedAnchor
          ? [
              `${d.lastWitnessedAnchor.witnessedBy.join(', ')} (at ${d.lastWitnessedAnchor.treeSize})`,
              d.lastWitnessedAnchor.quorum
                ? h(
                    'div',
                    {
                      class: d.lastWitnessedAnchor.quorum.met ? 'quorum-met' : 'quorum-short',
                      'data-quorum-met': String(d.lastWitnessedAnchor.quorum.met),
                    },
                    d.lastWitnessedAnchor.quorum.met
                      ? d.lastWitnessedAnchor.quorum.text
                      : `below quorum — ${d.lastWitnessedAnchor.quorum.text}`,
                  )
                : null,
            ]
          : '—',
      ),
      h(
        'td',
        {},
        `${count(d.publish.unpublished)} unpublished`,
        h('br'),
        d.publish.lagSeconds === null ? '' : `${d.publish.lagSeconds.toFixed(1)} s`,
      ),
      h('td', {}, count(d.consumerLagRecords)),
      h('td', {}, count(d.quarantined)),
      h('td', { class: raised ? 'error' : undefined }, count(d.alarms)),
    );
  });
  return h(
    'div',
    { class: 'scroll' },
    h(
      'table',
      {},
      h('caption', {}, 'Every register the notary follows, and the notary itself'),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          [
            'Register',
            'Ledger head',
            'Last anchor',
            'Witnessed by',
            'Publish lag',
            'Consumer lag',
            'Quarantined',
            'Alarms',
          ].map((title) => h('th', { scope: 'col' }, title)),
        ),
      ),
      h('tbody', {}, rows),
    ),
  );
}

function alarmList(alarms: Alarm[], open: (alarm: Alarm) => void): HTMLElement {
  if (alarms.length === 0) return h('p', { class: 'quiet' }, 'No alarms.');
  return h(
    'ul',
    { class: 'alarms' },
    alarms.map((alarm) => {
      const button = h('button', { type: 'button', class: 'link' }, `entry ${alarm.seq} of ${alarm.department}`);
      button.addEventListener('click', () => open(alarm));
      return h(
        'li',
        { 'data-kind': alarm.kind },
        h('strong', {}, alarm.kind),
        ` on ${alarm.chain || 'a chain'}, raised by ${nameOf(alarm.department)} `,
        when(alarm.time),
        ': ',
        alarm.detail,
        ' — ',
        button,
      );
    }),
  );
}

function feedList(items: FeedItem[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'quiet' }, 'Nothing yet.');
  return h(
    'ol',
    { class: 'feed' },
    items.map((item) =>
      h('li', {}, when(item.time), ' ', h('strong', {}, item.chain), ` #${item.seq} `, h('code', {}, item.type)),
    ),
  );
}

async function showEntry(
  chain: string,
  seq: number,
  headers: Record<string, string>,
  area: HTMLElement,
): Promise<void> {
  const response = await fetch(`/v1/operator/entries/${encodeURIComponent(chain)}/${seq}`, { headers });
  if (!response.ok) {
    show(area, h('p', { class: 'error', role: 'alert' }, await problemOf(response)));
    return;
  }
  const body = await readJsonAnswer(response, 'the entry');
  const title = h('h3', { tabindex: -1 }, `Entry ${seq} of ${chain}`);
  show(area, title, h('pre', { class: 'entry' }, JSON.stringify(body, null, 2)));
  title.focus();
}
