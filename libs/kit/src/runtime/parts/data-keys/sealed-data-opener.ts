import { isGrantEntry, type GrantPolicy } from '@registry-bus/access';
import type { CodedFailure, Disclosure, QueryClient, SealedDataOpener, VerifiedEntry } from '@registry-bus/bus';
import { departmentOfChain, openDisclosure, openKeyRelease, type LoadedEncryptionKey } from '@registry-bus/protocol';

import { KEY_RELEASE_QUERY, MAX_RELEASE_SEQS } from './key-release-handler.js';

/** How long a follower waits for an owner's keys before the batch is retried. */
const RELEASE_TIMEOUT_MS = 10_000;
/** Entries whose released keys are kept (a batch read again after a failure asks nothing again). */
const CACHED_ENTRIES = 20_000;

/**
 * The follower's side of the key release (issue #28): for each owner's
 * chain in a batch, one `key-release` question naming the sealed entries,
 * the release opened with this department's private key and checked to be
 * for this department, that chain and a range holding the seqs asked; then
 * each entry's fields opened and checked against their commitments. An
 * owner that never granted this department anything is not asked (the
 * notary follows every ledger for the envelopes alone).
 */
export function sealedDataOpener(options: {
  department: string;
  encryptionKey: LoadedEncryptionKey;
  policy: GrantPolicy;
  queries: () => QueryClient;
}): SealedDataOpener {
  const { department, encryptionKey, policy } = options;
  const recipient = { grantee: department, keyId: encryptionKey.keyId, privateKey: encryptionKey.privateKey };
  /**
   * The keys released per entry (chain, seq and hash: another entry at that
   * seq is asked about afresh), none included: what an owner releases for an
   * entry is fixed by its position, so it never needs asking twice.
   */
  const cache = new Map<string, Map<string, Uint8Array>>();
  const cacheKey = (entry: VerifiedEntry) =>
    `${entry.chain}\u0000${entry.seq}\u0000${Buffer.from(entry.hash).toString('hex')}`;
  const remember = (entry: VerifiedEntry, keys: Map<string, Uint8Array>) => {
    if (cache.size >= CACHED_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(cacheKey(entry), keys);
  };
  return {
    async open(entries: readonly VerifiedEntry[], batch: readonly VerifiedEntry[]) {
      const opened = new Map<VerifiedEntry, Disclosure | { refused: CodedFailure }>();
      const asked = new Set(entries);
      /** Owners with a grant entry earlier in this batch: the policy has not seen it yet. */
      const grantsAhead = new Set<string>();
      const byChain = new Map<string, VerifiedEntry[]>();
      for (const entry of batch) {
        const owner = departmentOfChain(entry.chain);
        if (!owner) continue;
        if (isGrantEntry(owner, entry.type)) grantsAhead.add(owner);
        const sealed = Object.keys(entry.disclosure?.sealed ?? {});
        if (!asked.has(entry) || sealed.length === 0 || !(grantsAhead.has(owner) || mayOpen(entry, sealed))) continue;
        const list = byChain.get(entry.chain);
        if (list) list.push(entry);
        else byChain.set(entry.chain, [entry]);
      }
      for (const [chain, chainEntries] of byChain) {
        const unknown = chainEntries.filter((entry) => !cache.has(cacheKey(entry)));
        for (let i = 0; i < unknown.length; i += MAX_RELEASE_SEQS) {
          const piece = unknown.slice(i, i + MAX_RELEASE_SEQS);
          const keys = await releasedKeys(
            chain,
            piece.map((entry) => entry.seq),
          );
          for (const entry of piece) remember(entry, keys.get(entry.seq) ?? new Map());
        }
        for (const entry of chainEntries) {
          const keys = cache.get(cacheKey(entry)) ?? new Map<string, Uint8Array>();
          const context = { chain, seq: entry.seq, type: entry.type, hash: entry.hash };
          const result = await openDisclosure(
            entry.disclosure as Parameters<typeof openDisclosure>[0],
            context,
            (field) => keys.get(field),
          );
          const [refusal] = result.refused;
          opened.set(
            entry,
            refusal
              ? { refused: { code: refusal.error.code, reason: `${refusal.field}: ${refusal.error.message}` } }
              : result.disclosure,
          );
        }
      }
      return opened;
    },
  };

  /**
   * Whether this department's grants may cover a sealed field of the entry:
   * the owner is not asked for what it would release nothing of (no grant at
   * all — the notary follows every ledger for its envelopes — or grants of
   * public fields only). After a grant entry of its owner in the same batch,
   * the entry is asked about anyway (the policy has not seen that grant yet).
   */
  function mayOpen(entry: VerifiedEntry, sealed: readonly string[]): boolean {
    const decision = policy.decide(entry);
    if (decision.kind === 'deny') return false;
    return decision.kind === 'allow' || sealed.some((field) => decision.fields.includes(field));
  }

  async function releasedKeys(chain: string, seqs: number[]): Promise<Map<number, Map<string, Uint8Array>>> {
    const owner = departmentOfChain(chain)!;
    const reply = await options.queries().ask(owner, KEY_RELEASE_QUERY, { chain, seqs }, RELEASE_TIMEOUT_MS);
    if (!reply.result.ok)
      throw new Error(`${owner} released no keys for ${chain}: ${reply.result.code}: ${reply.result.reason}`);
    const release = await openKeyRelease((reply.result.answer as { release?: unknown }).release, recipient);
    const [low, high] = [Math.min(...seqs), Math.max(...seqs)];
    if (release.chain !== chain || release.fromSeq > low || release.toSeq < high)
      throw new Error(
        `${owner}'s key release covers ${release.chain} ${release.fromSeq}–${release.toSeq}, not the seqs asked`,
      );
    const bySeq = new Map<number, Map<string, Uint8Array>>();
    for (const key of release.keys) {
      const fields = bySeq.get(key.seq) ?? new Map<string, Uint8Array>();
      fields.set(key.field.join('.'), key.key);
      bySeq.set(key.seq, fields);
    }
    return bySeq;
  }
}
