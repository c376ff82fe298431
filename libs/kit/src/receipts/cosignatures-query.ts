import { queryParams, receivedCosignatures, type QueryClient, type QueryHandler } from '@registry-bus/bus';
import { envelopeFromStored, parseDisclosure, parseStrictJsonBytes } from '@registry-bus/protocol';
import type { ReceiptEntry } from '@registry-bus/receipts';
import type { DataSource } from 'typeorm';
import { z } from 'zod';

export const COSIGNATURES_QUERY = 'cosignatures';
/** Up to this many anchors in one question: the answer stays well inside a Kafka record. */
export const COSIGNATURES_PER_QUERY = 20;

const params = z.strictObject({
  anchorSeqs: z
    .array(z.string().regex(/^[1-9][0-9]{0,18}$/))
    .min(1)
    .max(COSIGNATURES_PER_QUERY),
});

/**
 * The notary's answer to "who cosigned these anchors?": every witness's
 * cosignature entry of them it received. A department reads only the
 * ledgers it follows, so it does not see most of the cosignatures of its own
 * anchors; the notary follows every ledger and sees them all. Cosignatures
 * are control entries (they reach every consumer anyway), so anyone may ask;
 * each is signed by its witness, so the notary can withhold one but not forge
 * one (the asker checks each before it uses it).
 */
export function cosignaturesQuery(
  dataSource: DataSource,
  /** The notary's C2SP checkpoint of each anchor with the witnesses' cosignatures, by anchor seq (issue #23). */
  checkpointsOf?: (anchorSeqs: string[]) => Promise<Record<string, string>>,
): QueryHandler {
  return {
    name: COSIGNATURES_QUERY,
    eventType: 'gov.notary.anchor.signed.v1',
    // Control entries, given to every consumer whole: the anchors' grants (all `*`) govern them.
    sources: {
      cosignatures: [{ type: 'gov.notary.anchor.signed.v1', path: 'cosignatures' }],
      checkpoints: [{ type: 'gov.notary.anchor.signed.v1', path: 'checkpoints' }],
    },
    parseParams: queryParams(params),
    async answer(given) {
      const { anchorSeqs } = given as z.infer<typeof params>;
      const rows = await receivedCosignatures(dataSource, anchorSeqs);
      const cosignatures: Record<string, ReceiptEntry[]> = {};
      for (const row of rows) {
        (cosignatures[row.anchorSeq] ??= []).push({
          envelope: envelopeFromStored(row.envelope, row.hash, row.sig, row.keyid),
          disclosure: parseDisclosure(parseStrictJsonBytes(row.disclosure!, 'a stored cosignature')),
        });
      }
      return { cosignatures, ...(checkpointsOf ? { checkpoints: await checkpointsOf(anchorSeqs) } : {}) };
    },
  };
}

/** What the notary holds of some anchors: witnesses' cosignature entries, and its checkpoints with their cosignatures. */
export interface HeldElsewhere {
  cosignatures: Record<string, ReceiptEntry[]>;
  checkpoints: Record<string, string>;
}

/** Asks the notary for the cosignatures of these anchors, a question of at most COSIGNATURES_PER_QUERY at a time. */
export async function askNotaryForCosignatures(
  queries: Pick<QueryClient, 'ask'>,
  anchorSeqs: readonly string[],
  timeoutMs = 3000,
): Promise<HeldElsewhere> {
  const found: Record<string, ReceiptEntry[]> = {};
  const checkpoints: Record<string, string> = {};
  for (let i = 0; i < anchorSeqs.length; i += COSIGNATURES_PER_QUERY) {
    const reply = await queries.ask(
      'notary',
      COSIGNATURES_QUERY,
      { anchorSeqs: anchorSeqs.slice(i, i + COSIGNATURES_PER_QUERY) },
      timeoutMs,
    );
    if (!reply.result.ok) continue;
    const answered = reply.result.answer.cosignatures;
    if (answered && typeof answered === 'object') Object.assign(found, answered);
    // Checked by the builder before use, as the cosignature entries are: the notary may withhold, not forge.
    const notes = reply.result.answer.checkpoints;
    if (notes && typeof notes === 'object')
      for (const [seq, note] of Object.entries(notes)) if (typeof note === 'string') checkpoints[seq] = note;
  }
  return { cosignatures: found, checkpoints };
}
