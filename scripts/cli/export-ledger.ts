// `npm run export -- <department> [--out <file>] [--url <base url>] [--token <token>]`:
// writes a department's whole ledger (public fields only, with its anchors and
// cosignatures) to a JSON-lines file, for `npx registry-bus verify-ledger`.
// Against the local stack it needs no options: the URL and an auditor's token
// come from .local/ (npm start writes them).
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

import { APP_PORTS, LOCAL_DIR } from '../start/local-stack.js';
import { DEV_TOKENS_FILE } from '../start/dev-tokens.js';

function fail(message: string): never {
  process.stderr.write(`export: ${message}\n`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' } },
});
const department = positionals[0];
if (!department || positionals.length > 1)
  fail('usage: npm run export -- <department> [--out <file>] [--url <base url>] [--token <token>]');
const app = department === 'notary' ? 'notary' : `${department}-registry`;
const url = values.url ?? (APP_PORTS[app] ? `http://127.0.0.1:${APP_PORTS[app]}` : undefined);
if (!url) fail(`no local port for '${department}': pass --url`);
const token =
  values.token ??
  (existsSync(DEV_TOKENS_FILE)
    ? (JSON.parse(readFileSync(DEV_TOKENS_FILE, 'utf8')) as Record<string, Record<string, string>>)[department]?.auditor
    : undefined);
if (!token) fail(`no token: pass --token, or run npm start (it writes auditor tokens to ${LOCAL_DIR})`);
const out = values.out ?? `${department}-ledger.jsonl`;

const response = await fetch(`${url}/v1/ledger/export`, { headers: { authorization: `Bearer ${token}` } }).catch(
  (error: Error) => fail(`${url} did not answer (${error.message}): is the stack running (npm start)?`),
);
if (!response.ok || !response.body)
  fail(`${url}/v1/ledger/export answered ${response.status}: ${await response.text()}`);
await pipeline(Readable.fromWeb(response.body), createWriteStream(out));
const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
const entries = lines.filter((line) => line.startsWith('{"kind":"entry"')).length;
const anchors = lines.filter((line) => line.startsWith('{"kind":"anchor"')).length;
process.stdout.write(
  `wrote ${out}: ${entries} entries and ${anchors} anchors of ${department}\ncheck it offline: npx registry-bus verify-ledger ${out}\n`,
);
