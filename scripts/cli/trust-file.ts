import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  fromBase64,
  parseStrictJson,
  rootFingerprint,
  verifyTrustBundle,
  type SignedTrustBundle,
  type TrustBundle,
} from '@registry-bus/protocol';

/** The root key this installation pins: the one `npm start` made for the local stack. */
export const INSTALLATION_ROOT_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '.local',
  'trust-root.pub',
);

export interface LoadedTrust {
  bundle: TrustBundle;
  /** The fingerprint of the governance root key the bundle was verified under (`sha256:…`). */
  rootFingerprint: string;
  /** Where the bundle and its root key came from, said out loud so no one trusts the wrong file by accident. */
  description: string;
}

export interface TrustChoice {
  /** `--trust <file>`; by default the bundle `npm start` wrote under .local/ (of the working directory). */
  trustPath?: string;
  /** `--root <file>`: the only way to trust a root other than the pinned one. */
  rootPath?: string;
  /** The pinned root: REGISTRY_BUS_TRUST_ROOT_FILE, else this installation's .local/trust-root.pub. */
  pinnedRootFile: string;
  cwd: string;
}

/**
 * The signed trust bundle to check against, verified under a root the user
 * holds: `--root <file>` when given, else the pinned root of this
 * installation. Never a key found beside the bundle: whoever hands out a
 * bundle could hand out its root with it. The bundle's governance signature
 * is checked before any key in it is used.
 */
export function loadTrust(choice: TrustChoice): LoadedTrust {
  const { trustPath, rootPath, cwd } = choice;
  const shown = (file: string) => relative(cwd, file) || file;
  const bundleFile = resolve(cwd, trustPath ?? join('.local', 'trust-bundle.json'));
  const rootFile = resolve(cwd, rootPath ?? choice.pinnedRootFile);
  if (!existsSync(bundleFile)) {
    throw new Error(
      trustPath
        ? `no trust bundle at ${bundleFile}`
        : `no trust bundle given and none at ${bundleFile}: pass --trust <bundle.json> (npm start writes one under .local/)`,
    );
  }
  const beside = join(dirname(bundleFile), 'trust-root.pub');
  const besideNote =
    !rootPath && beside !== rootFile && existsSync(beside)
      ? ` (the ${shown(beside)} beside the bundle is not trusted: pass --root ${shown(beside)} if you hold that key from its publisher)`
      : '';
  if (!existsSync(rootFile)) {
    throw new Error(
      rootPath
        ? `no root public key at ${rootFile}`
        : `no pinned root public key at ${rootFile}: pass --root <trust-root.pub> (the governance root key, from its publisher)${besideNote}`,
    );
  }
  const rootKey = fromBase64(readFileSync(rootFile, 'utf8').trim());
  const fingerprint = rootFingerprint(rootKey);
  const signed = parseStrictJson(readFileSync(bundleFile, 'utf8'), 'the trust bundle') as SignedTrustBundle;
  let bundle: TrustBundle;
  try {
    bundle = verifyTrustBundle(signed, rootKey);
  } catch (error) {
    const under = existsSync(beside) ? rootFingerprintOfFile(beside) : undefined;
    throw new Error(
      `${shown(bundleFile)} does not verify under the root ${fingerprint} (${rootPath ? '--root' : 'pinned'}: ${shown(rootFile)}): ${(error as Error).message}${under && under !== fingerprint ? `; the key beside it is ${under}` : ''}${besideNote}`,
    );
  }
  return {
    bundle,
    rootFingerprint: fingerprint,
    description: `${shown(bundleFile)}${trustPath ? '' : ' (the default: the bundle npm start wrote)'} version ${bundle.version}, signed by the root ${fingerprint} (${rootPath ? '--root' : 'pinned'}: ${shown(rootFile)})`,
  };
}

function rootFingerprintOfFile(file: string): string | undefined {
  try {
    return rootFingerprint(fromBase64(readFileSync(file, 'utf8').trim()));
  } catch {
    return undefined;
  }
}
