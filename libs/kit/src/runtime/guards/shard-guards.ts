import { proceed, type StartUpVerdict } from './start-up-verdict.js';
import { shardOfChain } from '@registry-bus/protocol';

/**
 * The shard count is fixed for the life of a ledger: with another one, a
 * subject's next entries would land in another chain than its earlier
 * ones, and followers (who apply each chain in its own order) could see
 * them out of order. Refused, naming the count it was written with: the
 * chains that hold entries must be among the configured ones.
 */
export function shardsMatchWrittenChains(input: {
  department: string;
  shards: number;
  chains: readonly string[];
  written: readonly string[];
}): StartUpVerdict {
  const { department, shards, chains, written } = input;
  if (written.every((chain) => chains.includes(chain))) return proceed;
  return {
    ok: false,
    reason:
      `LEDGER_SHARDS=${shards} names the chains ${chains.join(', ')}, but the ledger of ` +
      `${department} holds entries in ${written.join(', ')}: it was written with ` +
      `${
        written.some((chain) => shardOfChain(chain) !== undefined)
          ? `LEDGER_SHARDS=${Math.max(...written.map((chain) => shardOfChain(chain) ?? 0)) + 1} or more`
          : 'LEDGER_SHARDS=1'
      }. ` +
      `The shard count is fixed for the life of a ledger (a subject must stay in its chain); start with that count`,
  };
}

/**
 * Growing the shard count leaves the chains in the database valid (they
 * are a subset), so the topic tells: it has one partition per shard the
 * ledger was written with. Fewer partitions than shards is a new ledger
 * only while it has no entries (a follower may have created the topic with
 * one partition before its owner first started); more partitions than
 * shards is always a ledger written sharded — its database may be the one
 * that was lost. `partitions` is undefined while the topic does not exist.
 */
export function shardsMatchTopicPartitions(input: {
  department: string;
  topic: string;
  shards: number;
  partitions: number | undefined;
  ledgerHasEntries: boolean;
}): StartUpVerdict {
  const { department, topic, shards, partitions } = input;
  if (partitions === undefined || partitions === shards) return proceed;
  if (partitions < shards && !input.ledgerHasEntries) return proceed;
  return {
    ok: false,
    reason:
      `LEDGER_SHARDS=${shards}, but the ledger of ${department} was written with ${partitions} ` +
      `shard(s) (its topic ${topic} has ${partitions} partitions): the shard count is fixed for the life of a ledger ` +
      `(a subject must stay in its chain); start with LEDGER_SHARDS=${partitions}`,
  };
}

/** Every witness and receipt reads the anchors from the one chain of a ledger that writes them; anchors are few. */
export function unshardedChainIsOneShard(input: {
  department: string;
  unsharded: boolean;
  shards: number;
}): StartUpVerdict {
  if (!input.unsharded || input.shards <= 1) return proceed;
  return {
    ok: false,
    reason: `LEDGER_SHARDS: the ${input.department} ledger is not sharded (LEDGER_SHARDS must be 1 for the ${input.department})`,
  };
}
