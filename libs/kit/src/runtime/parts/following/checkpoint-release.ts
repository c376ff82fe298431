import type { CheckpointRelease, QueryClient } from '@registry-bus/bus';
import type { Logger } from '@registry-bus/logging';
import {
  checkDisclosure,
  parseDisclosure,
  parseEnvelope,
  toHex,
  verifyEd25519Node,
  verifyEnvelope,
  type TrustBundle,
} from '@registry-bus/protocol';
import { checkpointCoverage, type ReceiptEntry } from '@registry-bus/receipts';

/** The notary's query (apps/notary/src/checkpoints/covering-checkpoint-query.ts). */
const COVERING_CHECKPOINT_QUERY = 'covering-checkpoint';
/** A held entry is asked about at most this often: its partition is read again every few seconds. */
const ASK_EVERY_MS = 5000;

/**
 * What releases an entry the pipeline holds at receipt (issue #24): the
 * notary's first anchor of its chain covering it, that anchor's checkpoint
 * with the witnesses' cosignatures, and the inclusion proof of the entry —
 * all asked of the notary in one question, each checked here: the anchor
 * is a notary entry whose signature and data hold, the checkpoint carries a
 * quorum (checkpointCoverage), the proof leads to the anchored root. The
 * notary can only withhold. Returns the time the checkpoint fixed; the
 * pipeline judges the entry's key at it.
 *
 * Not from the anchors this follower received: its witness reaction reads
 * the notary's ledger only as far as its own copy of each chain, and the
 * copy is what is held.
 */
export function checkpointRelease(options: {
  queries: () => Pick<QueryClient, 'ask'>;
  trustBundle: () => TrustBundle;
  logger: Logger;
}): CheckpointRelease {
  const asked = new Map<string, number>();
  return async (entry) => {
    const key = `${entry.chain}/${entry.seq}`;
    const last = asked.get(key);
    if (last !== undefined && Date.now() - last < ASK_EVERY_MS) return undefined;
    if (asked.size > 1000) asked.clear();
    asked.set(key, Date.now());
    const reply = await options
      .queries()
      .ask('notary', COVERING_CHECKPOINT_QUERY, { chain: entry.chain, seq: String(entry.seq) }, 3000);
    if (!reply.result.ok) return undefined;
    const { anchor: given, checkpoint, proof } = reply.result.answer as Record<string, unknown>;
    const bundle = options.trustBundle();
    let anchor: ReceiptEntry;
    try {
      anchor = notaryAnchor(given, bundle);
    } catch (error) {
      options.logger.warn(
        { chain: entry.chain, seq: entry.seq, err: error },
        'the notary answered with no anchor of its own',
      );
      return undefined;
    }
    if (typeof checkpoint !== 'string' || !Array.isArray(proof) || !proof.every((line) => typeof line === 'string'))
      return undefined;
    const coverage = checkpointCoverage({
      chain: entry.chain,
      seq: entry.seq,
      hash: toHex(entry.hash),
      anchor,
      checkpoint,
      proof: proof as string[],
      bundle,
    });
    if (!coverage.covered) {
      options.logger.warn({ chain: entry.chain, seq: entry.seq, why: coverage.why }, 'a held entry is not covered yet');
      return undefined;
    }
    options.logger.info(
      { chain: entry.chain, seq: entry.seq, at: coverage.at.toISOString(), quorum: coverage.quorum },
      'a held entry is covered by a quorum checkpoint',
    );
    return coverage.at;
  };
}

/** An anchor entry as the notary sent it, held to its signature (a notary key valid at its time) and its commitments. */
function notaryAnchor(given: unknown, bundle: TrustBundle): ReceiptEntry {
  const { envelope: raw, disclosure: rawDisclosure } = (given ?? {}) as { envelope?: unknown; disclosure?: unknown };
  const { envelope } = parseEnvelope(raw);
  if (envelope.chain !== 'notary' || envelope.type !== 'gov.notary.anchor.signed.v1')
    throw new Error(`entry ${envelope.chain}/${envelope.seq} of type ${envelope.type} is not a notary anchor`);
  verifyEnvelope(envelope, bundle, verifyEd25519Node);
  const disclosure = parseDisclosure(rawDisclosure);
  checkDisclosure(disclosure, envelope.datadigest);
  return { envelope, disclosure };
}
