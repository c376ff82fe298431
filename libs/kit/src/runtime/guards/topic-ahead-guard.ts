import { proceed, type StartUpVerdict } from './start-up-verdict.js';

/**
 * Before anything is written or published: does a chain's partition hold
 * entries its database does not? Then the database was lost or restored
 * from an older backup, and appending now would give those seqs a second
 * meaning (an equivocation every consumer alarms on). Refused, naming the
 * way out, unless the start rebuilds from the topic (LEDGER_RECOVERY=from-topic).
 */
export function ledgerNotBehindTopic(input: {
  department: string;
  chain: string;
  topic: string;
  partition: number;
  head: number;
  lastSeqOnTopic: number;
  recoveringFromTopic: boolean;
}): StartUpVerdict {
  const { department, chain, topic, partition, head, lastSeqOnTopic } = input;
  if (lastSeqOnTopic <= head || input.recoveringFromTopic) return proceed;
  const where = chain === department ? `its topic ${topic}` : `partition ${partition} of ${topic}`;
  return {
    ok: false,
    reason:
      `${chain === department ? '' : `the chain ${chain} of `}the ledger of ${department} ends at entry ${head} ` +
      `but ${where} holds entries up to ${lastSeqOnTopic}: ` +
      `its database was lost or restored from an older backup. Writing now would fork its history. ` +
      `Rebuild it from the topic: start with LEDGER_RECOVERY=from-topic (npm run recover -- ${department}); README, "Recovery"`,
  };
}
