import { isGrantEntry, releasableFields } from '@registry-bus/access';
import { queryParams, type SelfJudgingQueryHandler } from '@registry-bus/bus';
import { entriesAt, entriesWithFields } from '@registry-bus/ledger';
import {
  CHAIN_PATTERN,
  departmentOfChain,
  encryptionKeyOf,
  entryFieldKey,
  sealKeyRelease,
  type TrustBundle,
} from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';
import { z } from 'zod';

import type { DataKeys } from './data-keys.js';

/** The query other departments ask for the field keys of a batch of this department's entries. */
export const KEY_RELEASE_QUERY = 'key-release';

/** At most one Kafka batch's worth of entries per question (the follower asks in pieces of this size). */
export const MAX_RELEASE_SEQS = 1000;

const releaseParams = z.strictObject({
  chain: z.string().regex(CHAIN_PATTERN, 'must be a chain id'),
  seqs: z
    .array(z.number().int().positive())
    .min(1)
    .max(MAX_RELEASE_SEQS)
    .refine((seqs) => new Set(seqs).size === seqs.length, 'must not name a seq twice'),
});

/**
 * Answers `key-release` {chain, seqs}: the field keys of exactly the sealed
 * fields the asker's grants cover at each entry's position in the chain
 * (libs/access `releasableFields`, the rule every follower applies), sealed
 * with HPKE to the asker's encryption key in the trust bundle. The reply is
 * signed by this department and travels on the asker's replies topic
 * (retention ≤ 24 h, checked at start-up); the query audit records each
 * `seq:field` released — the log "who read my data" reads. No grant, no key:
 * an empty release, never an error that would say what the entries hold.
 */
export function keyReleaseHandler(options: {
  dataSource: DataSource;
  department: string;
  keys: DataKeys;
  trustBundle: () => TrustBundle;
}): SelfJudgingQueryHandler {
  const { dataSource, department, keys } = options;
  return {
    name: KEY_RELEASE_QUERY,
    parseParams: queryParams(releaseParams),
    async answerFor(requester, params) {
      const { chain, seqs } = params as z.infer<typeof releaseParams>;
      if (departmentOfChain(chain) !== department) throw new Error(`'${chain}' is not a chain of ${department}`);
      const [entries, grants] = await Promise.all([
        entriesAt(dataSource, chain, seqs),
        entriesWithFields(dataSource, { chains: [chain], typeLike: `gov.${department}.access.%` }),
      ]);
      const candidates = entries.flatMap((entry) => {
        const open = keys.publicFieldsOf(entry.type);
        if (open === undefined || !entry.fields) return [];
        const sealed = Object.keys(entry.fields).filter((field) => !open.includes(field));
        return [{ seq: entry.seq, type: entry.type, time: entry.time, sealed }];
      });
      const grantEntries = grants
        .filter((grant) => isGrantEntry(department, grant.type) && grant.fields)
        .map((grant) => ({ seq: grant.seq, type: grant.type, data: grant.fields! }));
      const released = releasableFields(department, requester, chain, grantEntries, candidates);
      const bySeq = new Map(entries.map((entry) => [entry.seq, entry]));
      const subjectKeys = await keys.keysOf([...new Set(released.map(({ seq }) => bySeq.get(seq)!.subject))], false);
      const fieldKeys = released.flatMap(({ seq, fields }) => {
        const entry = bySeq.get(seq)!;
        const subjectKey = subjectKeys.get(entry.subject);
        // An entry published before its subject had a key went out in clear: nothing to release.
        if (!subjectKey) return [];
        const context = { chain, seq, type: entry.type, hash: entry.hash };
        return fields.map((field) => ({ seq, field, key: entryFieldKey(subjectKey, context, field) }));
      });
      const scope = { grantee: requester, chain, fromSeq: Math.min(...seqs), toSeq: Math.max(...seqs) };
      const release = await sealKeyRelease(
        scope,
        encryptionKeyOf(options.trustBundle(), requester, new Date()),
        fieldKeys,
      );
      return {
        answer: { release },
        fields: fieldKeys.map(({ seq, field }) => `${seq}:${field}`),
      };
    },
  };
}
