// `npm run export -- <department> [--chain <dept>/<n>] [--out <file>] [--url <base url>] [--token <token>]`:
// writes a department's whole ledger (public fields only, with its anchors and
// cosignatures) to a JSON-lines file, for `npx registry-bus verify-ledger`
// (held to the notary's latest checkpoint with `--from <notary URL>`); a
// sharded ledger (LEDGER_SHARDS) one shard at a time (`--chain land/1`).
// Against the local stack it needs no options: the URL and an auditor's token
// come from .local/ (npm start writes them).
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';

import { parseStrictJson } from '@registry-bus/protocol';

import { APP_PORTS, HTTPS_CA_DIR, LOCAL_DIR, localUrl, trustLocalApps } from '../start/local-stack.js';
import { DEV_TOKENS_FILE } from '../start/dev-tokens.js';

function fail(message: string): never {
  process.stderr.write(`export: ${message}\n`);
  process.exit(2);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { out: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' }, chain: { type: 'string' } },
});
const department = positionals[0];
if (!department || positionals.length > 1)
  fail(
    'usage: npm run export -- <department> [--chain <dept>/<n>] [--out <file>] [--url <base url>] [--token <token>]',
  );
const app = department === 'notary' ? 'notary' : `${department}-registry`;
const url = values.url ?? (APP_PORTS[app] ? localUrl(APP_PORTS[app]) : undefined);
// The local apps' certificates come from the stack's development CA (.local/ca).
trustLocalApps();
if (!url) fail(`no local port for '${department}': pass --url`);
const token =
  values.token ??
  (existsSync(DEV_TOKENS_FILE)
    ? (
        parseStrictJson(readFileSync(DEV_TOKENS_FILE, 'utf8'), DEV_TOKENS_FILE) as Record<
          string,
          Record<string, string>
        >
      )[department]?.auditor
    : undefined);
if (!token) fail(`no token: pass --token, or run npm start (it writes auditor tokens to ${LOCAL_DIR})`);
const chain = values.chain;
const out = values.out ?? `${(chain ?? department).replace('/', '-')}-ledger.jsonl`;
const path = `/v1/ledger/export${chain ? `?chain=${encodeURIComponent(chain)}` : ''}`;

// A sharded ledger asked without --chain answers 400 naming its chains: the message below passes it on.
const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } }).catch((error: Error) =>
  fail(`${url} did not answer (${error.message}): is the stack running (npm start)?`),
);
if (!response.ok || !response.body) fail(`${url}${path} answered ${response.status}: ${await response.text()}`);
await pipeline(Readable.fromWeb(response.body), createWriteStream(out)).catch((error: Error) =>
  fail(`${url}${path} broke off mid-export (${error.message}): ${out} is incomplete — export again`),
);
const lines = readFileSync(out, 'utf8').split('\n').filter(Boolean);
const entries = lines.filter((line) => line.startsWith('{"kind":"entry"')).length;
const anchors = lines.filter((line) => line.startsWith('{"kind":"anchor"')).length;
// The local stack's notary answers over HTTPS with a certificate of its development CA, which Node trusts through NODE_EXTRA_CA_CERTS.
const against = values.url ? '--from <notary URL>' : `--from ${localUrl(APP_PORTS.notary!)}`;
const caFile = join(HTTPS_CA_DIR, 'ca.crt');
const extraCa = !values.url && existsSync(caFile) ? `NODE_EXTRA_CA_CERTS=${relative(process.cwd(), caFile)} ` : '';
process.stdout.write(
  `wrote ${out}: ${entries} entries and ${anchors} anchors of ${chain ?? department}\ncheck it against the notary's latest checkpoint: ${extraCa}npx registry-bus verify-ledger ${out} ${against}\n`,
);
