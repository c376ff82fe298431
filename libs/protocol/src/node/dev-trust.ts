import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { toBase64 } from '../encoding/bytes.js';
import { formatEncryptionKey } from '../encryption/encryption-key.js';
import { parseStrictJson } from '../json/strict-json.js';
import {
  signTrustBundle,
  trustedKey,
  type OutsideWitness,
  type SignedTrustBundle,
  type TrustBundle,
} from '../trust/trust-bundle.js';
import { checkWitnessing, type WitnessPolicy } from '../trust/witness-quorum.js';
import { loadOrCreateEncryptionKeyPair, loadOrCreateFileSigner } from './file-signer.js';

export interface DevTrust {
  bundleFile: string;
  rootPublicKeyFile: string;
  signed: SignedTrustBundle;
}

/**
 * Development trust for the local stack: one signing key and one X25519
 * encryption key per department (generated on first use into
 * `<keysDir>/<dept>/`, owner-only; the bundle lists both), a governance root key in
 * `<keysDir>/governance/`, and the signed bundle at `<localDir>/trust-bundle.json`.
 * A new department key, or other witnessing rules, make a new bundle version;
 * existing keys are kept. `witnessing` names chains' witnesses and quorums
 * (without it every chain has the default rule), `outsideWitnesses` the
 * checkpoints' witnesses beyond the departments; a quorum that is not a
 * majority of its witnesses is refused before anything is signed.
 */
export async function ensureDevTrust(
  localDir: string,
  departments: readonly string[],
  witnessing?: readonly WitnessPolicy[],
  outsideWitnesses?: readonly OutsideWitness[],
): Promise<DevTrust> {
  const keysDir = join(localDir, 'keys');
  mkdirSync(keysDir, { recursive: true });
  const root = loadOrCreateFileSigner(join(keysDir, 'governance'), 'governance');
  const bundleFile = join(localDir, 'trust-bundle.json');
  const rootPublicKeyFile = join(localDir, 'trust-root.pub');
  const previous = existsSync(bundleFile)
    ? (parseStrictJson(readFileSync(bundleFile, 'utf8'), bundleFile) as SignedTrustBundle)
    : undefined;

  const departmentsInBundle = departments.map((id) => {
    const signer = loadOrCreateFileSigner(join(keysDir, id), id);
    const encryption = loadOrCreateEncryptionKeyPair(join(keysDir, id), id);
    return {
      id,
      keys: [trustedKey(signer, signer.createdAt)],
      encryptionKeys: [
        { ...formatEncryptionKey(encryption.keyId, encryption.publicKey), validFrom: encryption.createdAt },
      ],
    };
  });
  const policies = {
    ...(witnessing && witnessing.length > 0 ? { witnessing: witnessing.map((policy) => ({ ...policy })) } : {}),
    ...(outsideWitnesses && outsideWitnesses.length > 0
      ? { outsideWitnesses: outsideWitnesses.map((witness) => ({ ...witness })) }
      : {}),
  };
  checkWitnessing({ departments: departmentsInBundle, ...policies });
  const unchanged =
    previous !== undefined &&
    JSON.stringify(previous.bundle.departments) === JSON.stringify(departmentsInBundle) &&
    JSON.stringify(previous.bundle.witnessing) === JSON.stringify(policies.witnessing) &&
    JSON.stringify(previous.bundle.outsideWitnesses) === JSON.stringify(policies.outsideWitnesses) &&
    previous.rootKeyId === root.keyId;
  const signed = unchanged
    ? previous
    : await signTrustBundle(
        {
          version: (previous?.bundle.version ?? 0) + 1,
          issuedAt: new Date().toISOString(),
          departments: departmentsInBundle,
          ...policies,
        } satisfies TrustBundle,
        root,
      );
  writeFileSync(bundleFile, `${JSON.stringify(signed, null, 2)}\n`);
  writeFileSync(rootPublicKeyFile, `${toBase64(root.publicKey)}\n`);
  return { bundleFile, rootPublicKeyFile, signed };
}
