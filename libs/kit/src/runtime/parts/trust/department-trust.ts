import { readFileSync } from 'node:fs';

import type { EventHandler } from '@registry-bus/bus';
import type { Logger } from '@registry-bus/logging';
import {
  fromBase64,
  parseStrictJson,
  ProtocolError,
  trustBundleDigest,
  verifyBundleSuccession,
  verifyTrustBundle,
  type SignedTrustBundle,
  type TrustBundle,
} from '@registry-bus/protocol';
import type { DataSource, EntityManager } from 'typeorm';

import { publishedBundleVerdict, type PublishedBundleVerdict } from './published-bundle.js';
import { trustBundleVersionVerdict } from './trust-bundle-version.js';

export interface TrustFiles {
  TRUST_BUNDLE_FILE: string;
  TRUST_ROOT_PUBLIC_KEY_FILE: string;
}

/** The event type of a bundle published on the notary's ledger (control-events.ts `trustBundlePublishedV1`). */
export const TRUST_BUNDLE_PUBLISHED = 'gov.notary.trust.bundle-published.v1';

function readSigned(files: TrustFiles): SignedTrustBundle {
  return parseStrictJson(readFileSync(files.TRUST_BUNDLE_FILE, 'utf8'), 'the trust bundle file') as SignedTrustBundle;
}

function readRoot(files: TrustFiles): Uint8Array {
  return fromBase64(readFileSync(files.TRUST_ROOT_PUBLIC_KEY_FILE, 'utf8').trim());
}

/** The trust bundle of the file, verified against the governance root key (throws when it does not verify). */
export function loadTrustBundle(files: TrustFiles): TrustBundle {
  return verifyTrustBundle(readSigned(files), readRoot(files));
}

interface AppliedRow {
  version: string;
  digest: string;
  applied_at: Date;
  signed: SignedTrustBundle | null;
  position: string | null;
}

/** What a refused published bundle tells the department's alarms. */
export interface BundleRefusal {
  position: string;
  chain: string;
  seq: number;
  reason: string;
}

/**
 * The trust part: the bundle in force, its version held against the one
 * applied last, and bundles published on the notary's ledger taken into
 * force at their position while the app runs (issue #24). Every caller
 * reads `bundle` anew each time (a getter, `trustBundle()`), so a bundle
 * applied is in force for the next entry, query or receipt.
 */
export class DepartmentTrust {
  private current: { signed: SignedTrustBundle; bundle: TrustBundle } | undefined;
  /** Why the file does not verify under the pinned root alone: it may still follow the bundle applied last. */
  private fileProblem: Error | undefined;
  private readonly fileSigned: SignedTrustBundle;
  readonly root: Uint8Array;
  private readonly appliedListeners: Array<(bundle: TrustBundle) => void> = [];

  constructor(
    private readonly files: TrustFiles,
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
  ) {
    this.fileSigned = readSigned(files);
    this.root = readRoot(files);
    try {
      this.current = { signed: this.fileSigned, bundle: verifyTrustBundle(this.fileSigned, this.root) };
    } catch (error) {
      // Only a bundle in the k-of-n form may be checked later, against the bundle applied last; any other
      // that does not verify under the pinned root is refused here, as always.
      if (!(error instanceof ProtocolError) || this.fileSigned.sig !== undefined || !this.fileSigned.signatures)
        throw error;
      this.fileProblem = error;
    }
  }

  /** Called with each bundle taken into force while the app runs (after the bundle in force changed). */
  onApplied(listener: (bundle: TrustBundle) => void): void {
    this.appliedListeners.push(listener);
  }

  /** The bundle in force now. */
  get bundle(): TrustBundle {
    if (!this.current) throw this.fileProblem ?? new Error('no trust bundle in force');
    return this.current.bundle;
  }

  /** The bundle in force with its governance signatures (what the next one is signed after). */
  get signed(): SignedTrustBundle {
    if (!this.current) throw this.fileProblem ?? new Error('no trust bundle in force');
    return this.current.signed;
  }

  /**
   * Versions of the trust bundle only go up for a department: the bundle it
   * starts with is refused when older than (or, at the same version, other
   * than) the one it applied last, and remembered when newer — unless the
   * one applied last came over the notary's ledger (it has a position):
   * then that one is in force again, whatever older file the app was given. A file signed by governance keys rather
   * than the pinned root must follow the bundle applied last.
   */
  async applyVersion(): Promise<void> {
    const rows: AppliedRow[] = await this.dataSource.query(
      'SELECT version, digest, applied_at, signed, position FROM trust_bundle_applied ORDER BY version DESC LIMIT 1',
    );
    const row = rows[0];
    const applied = row ? { version: Number(row.version), digest: row.digest, appliedAt: row.applied_at } : undefined;
    const fileVersion = this.fileSigned.bundle.version;
    // A bundle that came over the notary's ledger after the file was written: in force again. A newer one that
    // came from a file (no position) is a file rolled back, and refused below.
    if (row?.signed && row.position && applied && applied.version > fileVersion) {
      this.current = { signed: row.signed, bundle: row.signed.bundle };
      this.logger.info(
        { version: applied.version, position: row.position, file: this.files.TRUST_BUNDLE_FILE, fileVersion },
        'trust bundle in force: the one applied last, newer than the file',
      );
      return;
    }
    if (!this.current) {
      // Not signed by the pinned root: it must follow the bundle this department applied last.
      if (!row?.signed) throw this.fileProblem ?? new Error('no trust bundle in force');
      this.current = {
        signed: this.fileSigned,
        bundle: verifyBundleSuccession(row.signed.bundle, this.fileSigned, this.root),
      };
    }
    const offered = {
      version: this.current.bundle.version,
      digest: trustBundleDigest(this.current.bundle),
      file: this.files.TRUST_BUNDLE_FILE,
    };
    const verdict = trustBundleVersionVerdict(offered, applied);
    if (verdict.kind === 'refuse') throw new Error(verdict.reason);
    if (verdict.kind === 'apply') {
      await this.dataSource.query(
        'INSERT INTO trust_bundle_applied (version, digest, file, signed) VALUES ($1, $2, $3, $4)',
        [offered.version, offered.digest, offered.file, JSON.stringify(this.current.signed)],
      );
      this.logger.info(
        { version: offered.version, previous: applied?.version ?? null },
        'trust bundle version applied',
      );
    }
  }

  /**
   * Would `signed` be taken into force after the bundle in force? The same
   * verdict a follower reaches when it meets the bundle on the ledger (the
   * notary asks before it publishes one).
   */
  async verdictOn(
    signed: SignedTrustBundle,
    position: string,
    manager?: EntityManager,
  ): Promise<PublishedBundleVerdict> {
    return (await this.judge(signed, position, manager ?? this.dataSource.manager)).verdict;
  }

  private async judge(signed: SignedTrustBundle, position: string, manager: EntityManager) {
    const rows: Array<{ digest: string }> = Number.isInteger(signed.bundle?.version)
      ? await manager.query('SELECT digest FROM trust_bundle_applied WHERE version = $1', [signed.bundle.version])
      : [];
    const verdict = publishedBundleVerdict(this.bundle, signed, position, this.root, () => rows[0]?.digest);
    return { verdict, recorded: rows.length > 0 };
  }

  /**
   * Takes a bundle published at `position` into force, in `manager`'s
   * transaction (the consumer's apply transaction, or the notary's own after
   * it appended the entry). Returns the verdict; a refused bundle changes
   * nothing.
   */
  async applyPublished(
    signed: SignedTrustBundle,
    position: string,
    manager: EntityManager,
  ): Promise<PublishedBundleVerdict> {
    const { verdict, recorded } = await this.judge(signed, position, manager);
    // The bundle in force but not recorded: a transaction that applied it failed after it took force here.
    if (verdict.kind === 'current' && !recorded) await this.record(signed, position, manager);
    if (verdict.kind !== 'apply') return verdict;
    await this.record(signed, position, manager);
    const previous = this.bundle.version;
    this.current = { signed, bundle: verdict.bundle };
    this.logger.info(
      { version: verdict.bundle.version, previous, position },
      'trust bundle published on the ledger applied',
    );
    for (const listener of this.appliedListeners) listener(verdict.bundle);
    return verdict;
  }

  private async record(signed: SignedTrustBundle, position: string, manager: EntityManager): Promise<void> {
    await manager.query(
      'INSERT INTO trust_bundle_applied (version, digest, file, signed, position) VALUES ($1, $2, $3, $4, $5)',
      [signed.bundle.version, trustBundleDigest(signed.bundle), `ledger ${position}`, JSON.stringify(signed), position],
    );
  }

  /**
   * The consumer's handler of bundles on the notary's ledger: each applied
   * at its position, a refused one reported to `onRefused` (an alarm) and
   * otherwise ignored — the entry itself stays on the ledger, correctly
   * signed by the notary; only the bundle it carries is not in force.
   */
  publishedHandler(onRefused: (refusal: BundleRefusal) => void): EventHandler {
    return {
      types: [TRUST_BUNDLE_PUBLISHED],
      handle: async (event, manager) => {
        const { chain, seq } = event.entry;
        const position = `${chain}@${seq}`;
        const signed = event.data.signed as SignedTrustBundle;
        const before = this.current;
        try {
          const verdict = await this.applyPublished(signed, position, manager);
          if (verdict.kind === 'refuse') {
            this.logger.error({ position, version: signed.bundle?.version }, verdict.reason);
            onRefused({ position, chain, seq, reason: verdict.reason });
          }
        } catch (error) {
          // The transaction fails: the bundle is not in force (the record is applied again, or parked).
          this.current = before;
          throw error;
        }
      },
    };
  }
}
