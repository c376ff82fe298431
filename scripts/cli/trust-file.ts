import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import {
  fromBase64,
  verifyTrustBundle,
  parseStrictJson,
  type SignedTrustBundle,
  type TrustBundle,
} from '@registry-bus/protocol';

export interface LoadedTrust {
  bundle: TrustBundle;
  /** Where the bundle and its root key came from, said out loud so no one trusts the wrong file by accident. */
  description: string;
}

/**
 * The signed trust bundle to check against: `--trust <file>` (its root key
 * `--root <file>`, by default trust-root.pub beside it), or the one `npm
 * start` writes under .local/. The bundle's governance signature is checked
 * before any key in it is used.
 */
export function loadTrust(trustPath: string | undefined, rootPath: string | undefined, cwd: string): LoadedTrust {
  const bundleFile = resolve(cwd, trustPath ?? join('.local', 'trust-bundle.json'));
  const rootFile = resolve(cwd, rootPath ?? join(dirname(bundleFile), 'trust-root.pub'));
  if (!existsSync(bundleFile)) {
    throw new Error(
      trustPath
        ? `no trust bundle at ${bundleFile}`
        : `no trust bundle given and none at ${bundleFile}: pass --trust <bundle.json> (npm start writes one under .local/)`,
    );
  }
  if (!existsSync(rootFile)) throw new Error(`no root public key at ${rootFile}: pass --root <trust-root.pub>`);
  const signed = parseStrictJson(readFileSync(bundleFile, 'utf8'), 'the trust bundle') as SignedTrustBundle;
  const bundle = verifyTrustBundle(signed, fromBase64(readFileSync(rootFile, 'utf8').trim()));
  const shown = (file: string) => relative(cwd, file) || file;
  return {
    bundle,
    description: `${shown(bundleFile)}${trustPath ? '' : ' (the default: the bundle npm start wrote)'}, signed by the root key in ${shown(rootFile)}`,
  };
}
