// `npm run keys -- <rotate|revoke|sign-bundle|activate> …`: key rotation and
// compromise as unsigned next trust bundles, and their offline signing by the
// governance key holders, one signature each (issue #24; docs/OPERATIONS.md
// "Keys: custody, rotation, revocation"). Nothing here publishes: an admin POSTs the bundle
// signed by k holders to the notary (`POST /v1/trust/bundles`). Exit codes: 0
// done, 2 a bad input (nothing written).
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import {
  addGovernanceSignature,
  bundleSignatures,
  generateSecretKey,
  loadOrCreateFileSigner,
  parseStrictJson,
  ProtocolError,
  publicKeyOf,
  readOwnerOnlyFile,
  toBase64,
  type SignedTrustBundle,
  type StoredKey,
} from '@registry-bus/protocol';

import { KeysInputError, parseCheckpoint, parseDuration, revokedBundle, rotatedBundle } from './key-changes.js';

const USAGE = `usage:
  npm run keys -- rotate <dept> [--overlap 24h] [--bundle <bundle in force.json>] [--keys-dir <dir>] [--out <file>]
    a new key for <dept> in <keys-dir>/<dept>/signing-key.<key id>.json (the old one stays), the key in use
    retired at now + overlap, and the next bundle, unsigned
  npm run keys -- revoke <dept> --compromised-since [<chain>=]<size>:<root hex> [--legitimate [<chain>=]<hash>]…
                 [--key <key id>] [--reason <text>] [--bundle …] [--out <file>]
    the key revoked now as compromised, with the last checkpoint the department vouches for on each chain and
    its legitimate entries after it, in the next bundle, unsigned
  npm run keys -- sign-bundle <bundle.json> --key <governance key dir> [--out <file>]
    adds this holder's signature (k of the governance keys of the bundle in force make it valid)
  npm run keys -- activate <dept> <key id> [--keys-dir <dir>]
    once the bundle naming the new key is in force everywhere: it becomes the department's signing key
    (signing-key.json; the old one kept as signing-key.<old key id>.json); restart the department
defaults: --bundle .local/trust-bundle.json, --keys-dir .local/keys, --out trust-bundle-v<version>.json`;

function fail(message: string): never {
  process.stderr.write(`keys: ${message}\n`);
  process.exit(2);
}

function readJson(file: string, what: string): unknown {
  if (!existsSync(file)) throw new KeysInputError(`no ${what} at ${file}`);
  try {
    return parseStrictJson(readFileSync(file, 'utf8'), file);
  } catch (error) {
    throw new KeysInputError(`${what} ${file} is not JSON: ${(error as Error).message}`);
  }
}

function readBundle(file: string): SignedTrustBundle {
  const signed = readJson(file, 'trust bundle') as SignedTrustBundle;
  if (typeof signed !== 'object' || signed === null || typeof signed.bundle?.version !== 'number') {
    throw new KeysInputError(`${file} is no trust bundle: it needs {"bundle": {"version": …, …}}`);
  }
  return signed;
}

/** Writes a file that must not exist yet: nothing a tool makes overwrites a key or a bundle. */
function writeNew(file: string, content: string, mode = 0o644): void {
  try {
    writeFileSync(file, content, { flag: 'wx', mode });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new KeysInputError(`${file} exists already: not overwritten`);
    throw error;
  }
}

const { positionals, values } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        overlap: { type: 'string', default: '24h' },
        bundle: { type: 'string', default: join('.local', 'trust-bundle.json') },
        'keys-dir': { type: 'string', default: join('.local', 'keys') },
        out: { type: 'string' },
        'compromised-since': { type: 'string', multiple: true, default: [] },
        legitimate: { type: 'string', multiple: true, default: [] },
        key: { type: 'string' },
        reason: { type: 'string', default: 'compromised' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
})();

const DEPARTMENT = /^[a-z][a-z0-9-]{0,30}$/;

async function main(): Promise<void> {
  const [command, first, second] = positionals;
  const now = new Date();
  const outFor = (version: number) => resolve(values.out ?? `trust-bundle-v${version}.json`);
  const department = () => {
    if (!first || !DEPARTMENT.test(first))
      throw new KeysInputError(`${command}: name the department, e.g. land\n${USAGE}`);
    return first;
  };
  switch (command) {
    case 'rotate': {
      const dept = department();
      const overlapMs = parseDuration(values.overlap);
      const signed = readBundle(resolve(values.bundle));
      const keyId = `${dept}-${now.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
      const secret = generateSecretKey();
      const { bundle, retired } = rotatedBundle(
        signed,
        dept,
        { keyId, publicKey: toBase64(publicKeyOf(secret)) },
        overlapMs,
        now,
      );
      const out = outFor(bundle.version);
      if (existsSync(out)) throw new KeysInputError(`${out} exists already: not overwritten (--out <file>)`);
      const keyFile = resolve(values['keys-dir'], dept, `signing-key.${keyId}.json`);
      if (!existsSync(resolve(values['keys-dir'], dept))) {
        throw new KeysInputError(
          `no key folder of '${dept}' at ${resolve(values['keys-dir'], dept)} (--keys-dir: the folder of the departments' keys)`,
        );
      }
      const stored: StoredKey = { keyId, department: dept, createdAt: now.toISOString(), secretKey: toBase64(secret) };
      writeNew(keyFile, `${JSON.stringify(stored, null, 2)}\n`, 0o600);
      writeNew(out, `${JSON.stringify({ bundle }, null, 2)}\n`);
      process.stdout.write(
        `rotated ${dept}: new key ${keyId} (valid from ${now.toISOString()}) in ${keyFile}\n` +
          (retired.length > 0
            ? `  retired at ${new Date(now.getTime() + overlapMs).toISOString()}: ${retired.join(', ')}\n`
            : `  no key of ${dept} was in use (revoked): nothing retired\n`) +
          `  next bundle version ${bundle.version}, unsigned: ${out}\n` +
          `next: each governance holder runs  npm run keys -- sign-bundle ${out} --key <their key dir>\n` +
          `      an admin POSTs it to the notary (/v1/trust/bundles); once in force, npm run keys -- activate ${dept} ${keyId}\n`,
      );
      return;
    }
    case 'revoke': {
      const dept = department();
      const since = values['compromised-since'].map((text) => parseCheckpoint(text, dept));
      const signed = readBundle(resolve(values.bundle));
      const { bundle, key } = revokedBundle(
        signed,
        dept,
        { ...(values.key ? { keyId: values.key } : {}), since, legitimate: values.legitimate, reason: values.reason },
        now,
      );
      const out = outFor(bundle.version);
      writeNew(out, `${JSON.stringify({ bundle }, null, 2)}\n`);
      process.stdout.write(
        `revoked ${key.keyId} of ${dept} at ${key.revokedAt} (${key.revocationReason})\n` +
          key
            .compromise!.map(
              (c) =>
                `  ${c.chain}: vouched up to size ${c.size} (root ${c.root}), ${c.legitimate.length} legitimate entries after it\n`,
            )
            .join('') +
          `  next bundle version ${bundle.version}, unsigned: ${out}\n` +
          `next: each governance holder runs  npm run keys -- sign-bundle ${out} --key <their key dir>; an admin POSTs it to the notary\n`,
      );
      return;
    }
    case 'sign-bundle': {
      if (!first) throw new KeysInputError(`sign-bundle: name the bundle file\n${USAGE}`);
      if (!values.key)
        throw new KeysInputError(
          'sign-bundle: --key <governance key dir> is required (the folder of its signing-key.json)',
        );
      const file = resolve(first);
      const signed = readBundle(file);
      const keyFile = join(resolve(values.key), 'signing-key.json');
      if (!existsSync(keyFile)) throw new KeysInputError(`no governance key at ${keyFile}`);
      const stored = parseStrictJson(readOwnerOnlyFile(keyFile), keyFile) as StoredKey;
      const holder = loadOrCreateFileSigner(resolve(values.key), stored.department);
      let result: SignedTrustBundle;
      try {
        result = await addGovernanceSignature(signed, holder);
      } catch (error) {
        throw new KeysInputError(error instanceof ProtocolError ? error.reason : (error as Error).message);
      }
      const out = values.out ? resolve(values.out) : file;
      writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
      const signers = bundleSignatures(result).map((signature) => signature.keyId);
      const needed = signed.bundle.governance ? `; the next one will need ${signed.bundle.governance.threshold}` : '';
      process.stdout.write(
        `signed bundle version ${result.bundle.version} with ${holder.keyId}: ${signers.length} signature(s) now (${signers.join(', ')})${needed}\n` +
          `  written to ${out}\n`,
      );
      return;
    }
    case 'activate': {
      const dept = department();
      if (!second) throw new KeysInputError(`activate: name the new key id\n${USAGE}`);
      const dir = resolve(values['keys-dir'], dept);
      const next = join(dir, `signing-key.${second}.json`);
      if (!existsSync(next)) throw new KeysInputError(`no key ${second} at ${next}`);
      const current = join(dir, 'signing-key.json');
      if (!existsSync(current)) throw new KeysInputError(`no signing key of '${dept}' at ${current}`);
      const old = loadOrCreateFileSigner(dir, dept);
      const kept = join(dir, `signing-key.${old.keyId}.json`);
      if (existsSync(kept)) throw new KeysInputError(`${kept} exists already: not overwritten`);
      renameSync(current, kept);
      renameSync(next, current);
      process.stdout.write(`${dept} signs with ${second} from its next start; ${old.keyId} kept in ${kept}\n`);
      return;
    }
    case undefined:
    case 'help':
      if (values.help || command === 'help') {
        process.stdout.write(`${USAGE}\n`);
        return;
      }
      throw new KeysInputError(`name a command\n${USAGE}`);
    default:
      throw new KeysInputError(`unknown command '${command}'\n${USAGE}`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof KeysInputError) fail(error.message);
  fail(error instanceof Error ? (error.stack ?? error.message) : String(error));
});
