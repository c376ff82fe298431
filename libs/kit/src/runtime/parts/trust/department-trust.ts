import { readFileSync } from 'node:fs';

import type { Logger } from '@registry-bus/logging';
import {
  fromBase64,
  parseStrictJson,
  trustBundleDigest,
  verifyTrustBundle,
  type SignedTrustBundle,
  type TrustBundle,
} from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import { trustBundleVersionVerdict } from './trust-bundle-version.js';

export interface TrustFiles {
  TRUST_BUNDLE_FILE: string;
  TRUST_ROOT_PUBLIC_KEY_FILE: string;
}

/** The trust bundle of the file, verified against the governance root key (throws when it does not verify). */
export function loadTrustBundle(files: TrustFiles): TrustBundle {
  const signed = parseStrictJson(
    readFileSync(files.TRUST_BUNDLE_FILE, 'utf8'),
    'the trust bundle file',
  ) as SignedTrustBundle;
  const root = fromBase64(readFileSync(files.TRUST_ROOT_PUBLIC_KEY_FILE, 'utf8').trim());
  return verifyTrustBundle(signed, root);
}

/** The trust part: the bundle in force, and its version held against the one applied last. */
export class DepartmentTrust {
  readonly bundle: TrustBundle;

  constructor(
    private readonly files: TrustFiles,
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {
    this.bundle = loadTrustBundle(files);
  }

  /**
   * Versions of the trust bundle only go up for a department: the bundle it
   * starts with is refused when older than (or, at the same version, other
   * than) the one it applied last, and remembered when newer.
   */
  async applyVersion(): Promise<void> {
    const offered = {
      version: this.bundle.version,
      digest: trustBundleDigest(this.bundle),
      file: this.files.TRUST_BUNDLE_FILE,
    };
    const rows: Array<{ version: string; digest: string; applied_at: Date }> = await this.dataSource.query(
      'SELECT version, digest, applied_at FROM trust_bundle_applied ORDER BY version DESC LIMIT 1',
    );
    const applied = rows[0]
      ? { version: Number(rows[0].version), digest: rows[0].digest, appliedAt: rows[0].applied_at }
      : undefined;
    const verdict = trustBundleVersionVerdict(offered, applied);
    if (verdict.kind === 'refuse') throw new Error(verdict.reason);
    if (verdict.kind === 'apply') {
      await this.dataSource.query('INSERT INTO trust_bundle_applied (version, digest, file) VALUES ($1, $2, $3)', [
        offered.version,
        offered.digest,
        offered.file,
      ]);
      this.logger.info(
        { version: offered.version, previous: applied?.version ?? null },
        'trust bundle version applied',
      );
    }
  }
}
