import { utf8, parseStrictJson, type Signer } from '@registry-bus/protocol';

import { MIRROR_REQUEST_HEADER, signMirrorRequest } from '../mirror/mirror-request.js';
import type { RecoverySource, SourceRecord } from './recovery-source.js';

/** What one mirror gave back, for the recovery report. */
export interface MirrorCoverage {
  url: string;
  /** The department keeping the mirror, as it answered. */
  department: string | null;
  records: number;
  /** Records whose data it kept in full (its grants may have allowed fewer fields, or none). */
  withFullData: number;
  /** Why it stopped answering, if it did: the others carry on. */
  error?: string;
}

export interface MirrorPage {
  mirror: string;
  chain: string;
  records: Array<Record<string, unknown> & { seq: string; hash: string; subject: string; data?: unknown }>;
  next: number | null;
}

/** A page of a mirror's entries, through the strict parser: a duplicate key or a `__proto__` is a named refusal. */
export function readMirrorPage(text: string, url: string): MirrorPage {
  return parseStrictJson(text, `the mirror page of ${url}`) as MirrorPage;
}

export interface MirrorSourceOptions {
  /** Base URLs of departments keeping a verified mirror of the chain (e.g. http://127.0.0.1:3004). */
  mirrors: readonly string[];
  chain: string;
  /** The recovering department and its entry key, which sign each request. */
  department: string;
  signer: Signer;
  pageSize?: number;
  timeoutMs?: number;
}

const RETRIES = 5;

const isFullData = (data: unknown): boolean =>
  typeof data === 'object' &&
  data !== null &&
  Object.keys((data as { withheld?: object }).withheld ?? { missing: true }).length === 0;
const fieldCount = (data: unknown): number =>
  typeof data === 'object' && data !== null ? Object.keys((data as { fields?: object }).fields ?? {}).length : -1;

/**
 * Reads a chain back from the mirrors other departments keep, a page at a
 * time from every mirror at once, and merges them per seq: the record with
 * the most data wins (full data from a department granted everything, a
 * redacted view from one granted some fields, the bare envelope otherwise).
 * Mirrors are not trusted: every record still passes the same verification
 * as the topic's, and two mirrors giving two different entries for one seq
 * are reported by the caller's checks (one of them fails its signature, or
 * the owner equivocated). A mirror that stops answering is noted; the
 * others carry on. `coverage` says what each gave.
 */
export function mirrorSource(options: MirrorSourceOptions): RecoverySource & { coverage: MirrorCoverage[] } {
  const pageSize = options.pageSize ?? 500;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const coverage: MirrorCoverage[] = options.mirrors.map((url) => ({
    url: url.replace(/\/+$/, ''),
    department: null,
    records: 0,
    withFullData: 0,
  }));

  const fetchPage = async (mirror: MirrorCoverage, after: number): Promise<MirrorPage> => {
    const path = `/v1/mirror/entries?chain=${encodeURIComponent(options.chain)}&after=${after}&limit=${pageSize}`;
    // A mirror answers 429 past its public rate limit and 503 while its database is away: wait as it asks
    // (Retry-After, at most 30 s), a few times, before giving up on it.
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${mirror.url}${path}`, {
        headers: { [MIRROR_REQUEST_HEADER]: await signMirrorRequest(path, options.department, options.signer) },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (response.status === 200) return readMirrorPage(text, mirror.url);
      if ((response.status === 429 || response.status === 503) && attempt < RETRIES) {
        const seconds = Number(response.headers.get('retry-after'));
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(30, Number.isFinite(seconds) && seconds > 0 ? seconds : attempt) * 1000),
        );
        continue;
      }
      let detail = text.slice(0, 300);
      try {
        detail = (parseStrictJson(text, 'the problem') as { detail?: string }).detail ?? detail;
      } catch {
        // not problem+json: keep the text
      }
      throw new Error(`HTTP ${response.status}: ${detail}`);
    }
  };

  return {
    name: `mirrors ${coverage.map((m) => m.url).join(', ')}`,
    coverage,
    async read(onBatch, afterSeq = 0) {
      let after = afterSeq;
      let read = 0;
      let active = [...coverage];
      // Bounded: every round either moves `after` forward or ends.
      while (active.length > 0) {
        const pages = await Promise.all(
          active.map(async (mirror) => {
            try {
              return { mirror, page: await fetchPage(mirror, after) };
            } catch (error) {
              mirror.error = `${error instanceof Error ? error.message : String(error)} (at entries after ${after})`;
              return { mirror, page: undefined };
            }
          }),
        );
        const best = new Map<number, SourceRecord & { data: unknown }>();
        for (const { mirror, page } of pages) {
          if (!page) continue;
          mirror.department = page.mirror;
          for (const record of page.records) {
            const seq = Number(record.seq);
            mirror.records++;
            if (isFullData(record.data)) mirror.withFullData++;
            const known = best.get(seq);
            if (known && fieldCount(known.data) >= fieldCount(record.data)) continue;
            best.set(seq, {
              where: `mirror ${mirror.url} (${page.mirror}), ${options.chain} entry ${seq}`,
              key: record.subject,
              value: utf8(JSON.stringify(record)),
              data: record.data,
            });
          }
        }
        active = pages.filter(({ page }) => page?.next !== null && page?.next !== undefined).map((p) => p.mirror);
        if (best.size === 0) break;
        const batch = [...best.entries()].sort(([a], [b]) => a - b).map(([, record]) => record);
        await onBatch(batch.map(({ where, key, value }) => ({ where, key, value })));
        read += batch.length;
        after = Math.max(after, ...best.keys());
      }
      if (coverage.every((mirror) => mirror.records === 0 && mirror.error))
        throw new Error(`no mirror answered: ${coverage.map((m) => `${m.url}: ${m.error}`).join('; ')}`);
      return read;
    },
  };
}
