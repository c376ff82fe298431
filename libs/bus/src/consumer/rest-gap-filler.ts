import { encodeRecord, parseDisclosure, parseEnvelope, parseStrictJson } from '@registry-bus/protocol';

import { chainDestination } from '../topics/topic-names.js';
import type { GapFiller, IncomingRecord } from './consumer-types.js';

export interface RestGapFillerOptions {
  /** Base URL of each owner department's app, e.g. { land: 'http://127.0.0.1:3001' }. */
  owners: Record<string, string>;
  /** Headers for the owner's auditor endpoints (a bearer token once the kit adds authentication). */
  headers?: () => Record<string, string>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * Fills a gap by asking the owner: `GET /v1/ledger/entries?after=&limit=` on
 * the owner's app. What comes back goes through the whole pipeline again
 * (hash, signature, continuity), so a lying owner gains nothing.
 */
export function restGapFiller(options: RestGapFillerOptions): GapFiller {
  const http = options.fetch ?? fetch;
  return {
    async fetch(chain: string, fromSeq: number, toSeq: number): Promise<IncomingRecord[]> {
      const { department, topic, partition } = chainDestination(chain);
      const base = options.owners[department];
      if (!base) throw new Error(`no owner URL is configured for department '${department}'`);
      const limit = Math.min(1000, toSeq - fromSeq + 1);
      const response = await http(`${base}/v1/ledger/entries?after=${fromSeq - 1}&limit=${limit}`, {
        headers: options.headers?.() ?? {},
        signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
      });
      if (!response.ok)
        throw new Error(`owner ${department} answered ${response.status} for entries after ${fromSeq - 1}`);
      const body = parseStrictJson(await response.text(), `the entries of ${department}`) as {
        entries?: Array<{ envelope: unknown; data: unknown }>;
      };
      return (body.entries ?? []).map((item): IncomingRecord => {
        const { envelope } = parseEnvelope(item.envelope);
        const record = encodeRecord(
          envelope,
          item.data === null || item.data === undefined ? undefined : parseDisclosure(item.data),
        );
        return { topic, partition, offset: '-1', key: record.key, value: record.value, headers: record.headers };
      });
    },
  };
}
