import { receivedSignedWith } from '@registry-bus/bus';
import { entriesByActor } from '@registry-bus/ledger';
import type { Logger } from '@registry-bus/logging';
import type { TrustBundle } from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

/** What this needs of the alarms part (the parts are independent of one another: the runtime wires them). */
export interface RaisesAlarms {
  raise(
    alarm: { kind: 'equivocation'; chain: string; seq: string; detail: string },
    options: { actor: string; idempotencyKey: string },
  ): Promise<void>;
}

/**
 * A follower that accepted an entry before the bundle that refuses it
 * (issue #24: a compromise revocation vouches for some entries of the
 * stolen key and refuses the rest) raises an alarm naming it and each of
 * its own entries that reacted to it — the department and the auditors
 * must undo what the forged entry caused; nothing is undone silently.
 * Run when a bundle is applied; each finding is one alarm entry (its
 * idempotency key), however often it is run.
 */
export async function alarmOnEntriesRefusedByBundle(
  dataSource: DataSource,
  bundle: TrustBundle,
  alarms: RaisesAlarms,
  logger: Logger,
): Promise<number> {
  const refused: Array<{ chain: string; seq: number; id: string; hash: string; keyId: string }> = [];
  for (const department of bundle.departments) {
    for (const key of department.keys) {
      for (const vouched of key.compromise ?? []) {
        const legitimate = new Set(vouched.legitimate.map((hash) => hash.toLowerCase()));
        for (const entry of await receivedSignedWith(dataSource, vouched.chain, key.keyId, vouched.size)) {
          const hash = entry.hash.toString('hex');
          if (!legitimate.has(hash))
            refused.push({ chain: vouched.chain, seq: entry.seq, id: entry.id, hash, keyId: key.keyId });
        }
      }
    }
  }
  // What this ledger appended in reaction to any of them, in one pass over it.
  const reactions = await entriesByActor(
    dataSource,
    refused.map((entry) => `reaction:${entry.id}`),
  );
  for (const entry of refused) {
    const cited = reactions
      .filter((reaction) => reaction.actor === `reaction:${entry.id}`)
      .map((reaction) => `${reaction.chain}/${reaction.seq} (${reaction.type})`);
    const detail =
      `entry ${entry.chain}/${entry.seq} (${entry.hash}) was accepted here, and trust bundle version ${bundle.version} ` +
      `refuses it: signed with key '${entry.keyId}', revoked as compromised, and not vouched for; ` +
      (cited.length > 0
        ? `entries of this ledger that reacted to it: ${cited.join(', ')}`
        : 'nothing here reacted to it');
    logger.error({ chain: entry.chain, seq: entry.seq, reactions: cited }, detail);
    await alarms.raise(
      {
        kind: 'equivocation',
        chain: entry.chain,
        seq: String(entry.seq),
        // The alarm's detail holds 2,000 characters; the log line above has the whole list.
        detail: detail.length > 2000 ? `${detail.slice(0, 1990)} … (more)` : detail,
      },
      {
        actor: 'system:trust',
        idempotencyKey: `alarm:${entry.chain}:${entry.seq}:refused-by-bundle:${bundle.version}`,
      },
    );
  }
  return refused.length;
}
