import { h, problemOf, show, when } from '../dom.js';
import { nameOf } from '../plain-words.js';
import { readJsonAnswer } from '../read-json.js';
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

const TOKEN_KEY = 'registry-bus.operator-token';
const REFRESH_MS = 2000;

/**
 * The operator view: every register's head, anchors, witnesses, lags,
 * quarantine and alarms, and the entries crossing the bus, refreshed every
 * two seconds while the page is open. Needs a notary admin or auditor token
 * (kept for this browser tab only). Returns a function that stops refreshing.
 */
export function operatorPage(main: HTMLElement): () => void {
  const token = h('input', { id: 'operator-token', type: 'password', autocomplete: 'off', required: true });
  const form = h(
    'form',
    { class: 'ask' },
    h('label', { for: 'operator-token' }, 'Notary admin or auditor token'),
    h(
      'p',
      { class: 'hint' },
      'Kept in this tab only. `npm start` writes development tokens to .local/dev-tokens.json.',
    ),
    h('div', { class: 'row' }, token, h('button', { type: 'submit' }, 'Show')),
  );
  const state = h('p', { id: 'operator-state', class: 'hint', 'aria-live': 'polite' });
  const registers = h('div', { id: 'operator-registers' });
  const alarms = h('div', { id: 'operator-alarms' });
  const feed = h('div', { id: 'operator-feed' });
  const entry = h('div', { id: 'operator-entry', 'aria-live': 'polite' });
  let timer: number | undefined;
  let stopped = false;

  const refresh = async () => {
    const bearer = sessionStorage.getItem(TOKEN_KEY);
    if (!bearer || stopped) return;
    const headers = { accept: 'application/json', authorization: `Bearer ${bearer}` };
    try {
      const [overview, latest] = await Promise.all([
        fetch('/v1/operator/overview', { headers }),
        fetch('/v1/operator/feed?limit=30', { headers }),
      ]);
      if (!overview.ok || !latest.ok) {
        const refused = !overview.ok ? overview : latest;
        show(state, h('span', { class: 'error', role: 'alert' }, `Refused: ${await problemOf(refused)}`));
        if (refused.status === 401 || refused.status === 403) {
          sessionStorage.removeItem(TOKEN_KEY);
          return;
        }
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
    sessionStorage.setItem(TOKEN_KEY, token.value.trim());
    token.value = '';
    window.clearTimeout(timer);
    void refresh();
  });

  show(
    main,
    h('h1', {}, 'Operator view'),
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
  void refresh();
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
