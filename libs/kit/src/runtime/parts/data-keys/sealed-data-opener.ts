import { isGrantEntry, type GrantPolicy } from '@registry-bus/access';
import type { CodedFailure, Disclosure, QueryClient, SealedDataOpener, VerifiedEntry } from '@registry-bus/bus';
import { departmentOfChain, openDisclosure, openKeyRelease, type LoadedEncryptionKey } from '@registry-bus/protocol';

import { KEY_RELEASE_QUERY, MAX_RELEASE_SEQS } from './key-release-handler.js';

/** How long a follower waits for an owner's keys before the batch is retried. */
const RELEASE_TIMEOUT_MS = 10_000;

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
  return {
    async open(entries: readonly VerifiedEntry[]) {
      const granting = new Set(policy.received().map((grant) => grant.owner));
      const opened = new Map<VerifiedEntry, Disclosure | { refused: CodedFailure }>();
      const byChain = new Map<string, VerifiedEntry[]>();
      for (const entry of entries) {
        const owner = departmentOfChain(entry.chain);
        if (!owner) continue;
        // A grant in the same batch counts for what follows it.
        if (isGrantEntry(owner, entry.type)) granting.add(owner);
        if (!granting.has(owner) || !entry.disclosure?.sealed) continue;
        byChain.set(entry.chain, [...(byChain.get(entry.chain) ?? []), entry]);
      }
      for (const [chain, chainEntries] of byChain) {
        for (let i = 0; i < chainEntries.length; i += MAX_RELEASE_SEQS) {
          const piece = chainEntries.slice(i, i + MAX_RELEASE_SEQS);
          const keys = await releasedKeys(
            chain,
            piece.map((entry) => entry.seq),
          );
          for (const entry of piece) {
            const context = { chain, seq: entry.seq, type: entry.type, hash: entry.hash };
            const result = await openDisclosure(
              entry.disclosure as Parameters<typeof openDisclosure>[0],
              context,
              (field) => keys.get(`${entry.seq}\u0000${field}`),
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
      }
      return opened;
    },
  };

  async function releasedKeys(chain: string, seqs: number[]): Promise<Map<string, Uint8Array>> {
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
    return new Map(release.keys.map((key) => [`${key.seq}\u0000${key.field.join('.')}`, key.key]));
  }
}
