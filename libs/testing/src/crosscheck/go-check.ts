import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const GO_PATH = process.env.REGISTRY_BUS_GOPATH ?? '/usr/share/gocode';
const CHECKER = join(process.cwd(), 'libs/protocol/crosscheck/c2sp-check.go');

/**
 * Asks the Go checker (libs/protocol/crosscheck: Go's sumdb/note and
 * sumdb/tlog from Debian's golang-golang-x-mod-dev, and a cosignature/v1
 * verifier written from the C2SP text) about `request`: code nobody here
 * wrote reads our notes, checkpoints and proofs. Its last output line is
 * its JSON answer.
 */
export function goCheck(request: object): { status: number | null; answer: Record<string, unknown> } {
  const cache = join(tmpdir(), 'registry-bus-gocache');
  mkdirSync(cache, { recursive: true });
  const run = spawnSync('go', ['run', CHECKER], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    env: { ...process.env, GO111MODULE: 'off', GOPATH: GO_PATH, GOCACHE: cache, GOFLAGS: '' },
    timeout: 120_000,
  });
  if (run.error)
    throw new Error(`go could not run (apt-get install golang-go golang-golang-x-mod-dev): ${run.error.message}`);
  const line = run.stdout.trim().split('\n').at(-1) ?? '';
  if (!line.startsWith('{')) throw new Error(`the Go checker did not answer: ${run.stderr}`);
  return { status: run.status, answer: JSON.parse(line) as Record<string, unknown> };
}
