import type { TrustBundle } from '@registry-bus/protocol';

import { message } from './checks.js';
import { verifyOutsideCheckpoint, type OutsideCheckpoint } from './outside-checkpoint.js';

/** The latest checkpoint of the chain, from outside the export (the notary's `GET /v1/checkpoints/<chain>`). */
export interface OutsideCheckpointInput {
  /** The C2SP signed note: the notary's signature line and the witnesses' cosignature lines. */
  note: string;
  /** The clock the checkpoint's age is measured by (default: now). */
  now?: Date;
}

/** How an export stands against the latest checkpoint a quorum cosigned. */
export type ExportFreshness =
  /** No outside checkpoint: the export shows only the anchors its department chose to include. */
  | { status: 'unchecked'; text: string }
  /** The checkpoint cannot be the reference: malformed, of another chain, not the notary's, or below its quorum. */
  | { status: 'refused'; reason: string; text: string }
  | {
      /**
       * `fresh`: the export's first N entries have the checkpoint's root;
       * `stale`: the export has fewer entries than the checkpoint;
       * `contradicted`: its first N entries have another root (a rewritten or forked history).
       */
      status: 'fresh' | 'stale' | 'contradicted';
      checkpoint: OutsideCheckpoint;
      /** Seconds from the moment a quorum had cosigned the checkpoint to `now` (0 when the clock is behind). */
      ageSeconds: number;
      /** `ageSeconds` in words: `45 s`, `2 min`, `3 h`, `2 d`. */
      age: string;
      text: string;
    };

/**
 * Judges an export of `entries` entries of `chain` against an outside
 * checkpoint of N entries and root R (issue #23): with N or more entries its
 * first N must have root R; with fewer it is older than the checkpoint, and
 * without a consistency proof nothing more can be said. `rootOfFirst(size)`
 * is the export's RFC 6962 root (hex) of its first `size` entries. Pure.
 */
export function exportFreshness(
  outside: OutsideCheckpointInput | undefined,
  chain: string,
  bundle: TrustBundle,
  entries: number,
  rootOfFirst: (size: number) => string,
): ExportFreshness {
  if (outside === undefined)
    return {
      status: 'unchecked',
      text: 'freshness unchecked: no outside checkpoint to hold it to — an export shows only the anchors its department chose to include',
    };
  const now = outside.now ?? new Date();
  const refused = (reason: string): ExportFreshness => ({
    status: 'refused',
    reason,
    text: `the checkpoint cannot be the freshness reference: ${reason}`,
  });
  let checkpoint: OutsideCheckpoint;
  try {
    checkpoint = verifyOutsideCheckpoint(outside.note, chain, bundle, now);
  } catch (error) {
    return refused(message(error));
  }
  if (checkpoint.cosignedAt === undefined) return refused(`it is below its quorum (${checkpoint.quorum.text})`);
  const ageSeconds = Math.max(0, Math.floor(now.getTime() / 1000) - checkpoint.cosignedAt);
  const age = formatAge(ageSeconds);
  const cosigned = `cosigned by ${checkpoint.quorum.counted.join(', ')} ${age} ago`;
  const judged = (status: 'fresh' | 'stale' | 'contradicted', text: string): ExportFreshness => ({
    status,
    checkpoint,
    ageSeconds,
    age,
    text,
  });
  const { size, root } = checkpoint;
  if (entries < size)
    return judged(
      'stale',
      `stale: the export has ${entries} entries, the latest checkpoint ${size} (${cosigned}): the export is older than the checkpoint, and cannot be checked for consistency with it without a consistency proof`,
    );
  const ours = rootOfFirst(size);
  if (ours !== root)
    return judged(
      'contradicted',
      `the first ${size} entries have root ${ours}, the checkpoint of ${size} entries ${cosigned} has root ${root}: the export contradicts a checkpoint a quorum cosigned (a rewritten or forked history)`,
    );
  return judged('fresh', `fresh: checkpoint ${size} ${cosigned}`);
}

/** A duration in the largest whole unit it reaches: `45 s`, `2 min`, `3 h`, `2 d`. */
export function formatAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}
