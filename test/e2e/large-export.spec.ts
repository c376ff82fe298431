import { spawn, type ChildProcess } from 'node:child_process';

import { verifyEd25519Node } from '@registry-bus/protocol';
import { verifyLedgerExport, type LedgerExportLine } from '@registry-bus/receipts';

import { DepartmentStack } from './department-stack.js';

/** Big enough that the file (~10 MB) is many times what the sockets buffer: the server has to wait for its reader. */
const ENTRIES = 12_000;
const PER_COMMAND = 500;

/** Read a streamed body, stopping `pauseMs` after the first chunk (a slow disk, a slow link). */
async function readSlowly(response: Response, pauseMs: number): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let paused = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
    if (!paused) {
      paused = true;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

const parse = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LedgerExportLine);

/**
 * A large export under load (issue 30): 12,000 entries streamed to two
 * auditors at once — one reading as fast as it can, one stalled for seconds
 * after the first chunk — while a second process keeps a core busy. Both get
 * every line of the same file, which verifies; cut off at a line boundary, it
 * does not.
 */
describe('exporting a large ledger', () => {
  const stack = new DepartmentStack();
  let burner: ChildProcess | undefined;

  beforeAll(async () => {
    await stack.start(['land']);
    const ledger = stack.get('land').runtime.ledger;
    for (let from = 0; from < ENTRIES; from += PER_COMMAND) {
      await ledger.append({
        decide: () => ({
          entries: Array.from({ length: PER_COMMAND }, (_, i) => ({
            type: 'gov.land.parcel.registered.v1',
            subject: `X-${from + i}`,
            data: { cadastralNumber: `X-${from + i}`, location: 'Zugdidi' },
            actor: 'clerk:export',
          })),
        }),
      });
    }
  }, 120_000);

  afterAll(async () => {
    burner?.kill('SIGKILL');
    await stack.stop();
  });

  it('streams every line to a fast and a stalled reader under CPU load; the same file, which verifies; a cut-off copy does not', async () => {
    // The auditor's token first: it is an entry of land's ledger itself (#27), in the export below.
    const auditor = await stack.token('land', 'auditor', 'auditor:large-export');
    const head = (await stack.call('land', 'GET', '/v1/ledger/head')).body as { treeSize: number };
    expect(head.treeSize).toBeGreaterThanOrEqual(ENTRIES);
    burner = spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' });
    const exportOf = () =>
      fetch(`${stack.get('land').url}/v1/ledger/export`, { headers: { authorization: `Bearer ${auditor}` } });
    const started = Date.now();
    const [fast, slow] = await Promise.all([
      exportOf().then((response) => response.text()),
      exportOf().then((response) => readSlowly(response, 3000)),
    ]);
    process.stdout.write(
      `large export: ${head.treeSize} entries, ${Math.round(fast.length / 1e6)} MB, twice at once in ${Date.now() - started} ms\n`,
    );
    burner.kill('SIGKILL');

    const lines = parse(fast);
    expect(lines).toHaveLength(head.treeSize + 2);
    expect(lines[0]).toMatchObject({ kind: 'header', entries: head.treeSize });
    expect(lines.at(-1)).toEqual({ kind: 'end', anchors: 0 });
    const verdict = verifyLedgerExport(lines, stack.trustBundle(), verifyEd25519Node);
    expect(verdict.failure).toBeUndefined();
    // Every check passes; with no notary here nothing is anchored, so no quorum confirms it yet.
    expect(verdict).toMatchObject({
      ok: false,
      verdict: 'below-quorum',
      chain: 'land',
      entries: head.treeSize,
      anchors: 0,
    });
    // The stalled reader got the same file, line for line: it differs only in when it was taken.
    expect(slow.split('\n').length).toBe(fast.split('\n').length);
    expect(slow.slice(slow.indexOf('\n'))).toBe(fast.slice(fast.indexOf('\n')));

    // Cut off at a line boundary, the file still parses: the missing closing line gives it away.
    const cut = lines.slice(0, -1);
    expect(verifyLedgerExport(cut, stack.trustBundle(), verifyEd25519Node)).toMatchObject({
      ok: false,
      failure: { id: 'format', at: 'header', reason: 'the last line is not the closing line: the export was cut off' },
    });
  }, 120_000);
});
