import { consumerPositions, receivedHashAndTime } from '@registry-bus/bus';
import { rootAt } from '@registry-bus/merkle';
import { PgNodeReader, verifySignedHead, type SignedHead } from '@registry-bus/ledger';
import type { DepartmentContext, DepartmentService } from '@registry-bus/kit';
import { AlarmWriter } from '@registry-bus/kit';
import { departmentOfChain, toHex, verifyEd25519Node, parseStrictJson } from '@registry-bus/protocol';
import { Counter, Histogram } from 'prom-client';

import { anchorAggregate } from './anchor-aggregate.js';
import { shorterLedgerVerdict, type UncheckedReason } from './head-evidence.js';
import type { NotaryConfig } from './notary-config.js';

/**
 * Whether a chain is due for an anchor: it moved, and either it moved by
 * `everyEntries` since its last anchor or the interval has passed since the
 * last attempt (a chain never tried — after a start — is due at once).
 */
export function anchorDue(
  chain: { size: number; anchored: number; lastAttempt: number | undefined; now: number },
  config: Pick<NotaryConfig, 'NOTARY_ANCHOR_INTERVAL_MS' | 'NOTARY_ANCHOR_EVERY_ENTRIES'>,
): boolean {
  if (chain.size <= chain.anchored) return false;
  if (chain.size - chain.anchored >= config.NOTARY_ANCHOR_EVERY_ENTRIES) return true;
  return chain.lastAttempt === undefined || chain.now - chain.lastAttempt >= config.NOTARY_ANCHOR_INTERVAL_MS;
}

/**
 * Every interval (or as soon as a chain moved by `everyEntries`), for each
 * followed chain that moved: fetch the department's signed head at the size
 * the notary has, check it against the notary's own tree, and sign an anchor
 * — or record an alarm when they disagree. Only signed evidence makes an
 * alarm: an unsigned answer (a 404, a 5xx, a timeout, no answer, a bad
 * signature) is a check that could not be made, counted and retried the
 * next round, since anyone between could send it. Resumes from its own ledger after
 * a restart (the last anchored size per chain), so it neither re-anchors nor
 * skips.
 */
export class NotaryAnchorer implements DepartmentService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly lastAttempt = new Map<string, number>();
  private readonly lastPatrol = new Map<string, number>();
  /** How often a chain that did not move has its head checked again (ten anchoring intervals). */
  private readonly patrolMs: number;
  private stopped = false;
  private readonly alarmed = new Set<string>();

  private readonly lag: Histogram<'chain'>;
  private readonly unchecked: Counter<'chain' | 'reason'>;

  constructor(
    private readonly runtime: Pick<
      DepartmentContext,
      'definition' | 'dataSource' | 'commands' | 'metrics' | 'trust' | 'log'
    >,
    private readonly config: NotaryConfig,
    private readonly fetchHead: (url: string) => Promise<SignedHead> = defaultFetchHead,
  ) {
    this.patrolMs = config.NOTARY_ANCHOR_INTERVAL_MS * 10;
    this.lag = new Histogram({
      name: 'registry_bus_notary_anchoring_lag_seconds',
      help: 'From the oldest entry an anchor adds (its envelope time) to the anchor',
      labelNames: ['chain'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900],
      registers: [runtime.metrics.registry],
    });
    this.unchecked = new Counter({
      name: 'registry_bus_notary_head_unchecked_total',
      help: 'Head checks the notary could not make (an unsigned answer: 404, 5xx, timeout, unreachable, bad signature), by chain and reason: retried the next round, never an alarm',
      labelNames: ['chain', 'reason'],
      registers: [runtime.metrics.registry],
    });
  }

  async start(): Promise<void> {
    const tick = Math.min(this.config.NOTARY_ANCHOR_INTERVAL_MS, 500);
    this.timer = setInterval(() => {
      if (!this.running && !this.stopped) this.running = this.round().finally(() => (this.running = undefined));
    }, tick);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over every followed chain — each shard of a sharded register is a chain of its own (exposed for tests). */
  async round(now = Date.now()): Promise<void> {
    for (const { chain, size } of await this.followedChains()) {
      try {
        await this.consider(chain, size, now);
      } catch (error) {
        this.runtime.log().warn({ err: error, chain }, 'anchoring postponed');
      }
    }
  }

  /**
   * The chains the notary has received entries of, of the departments it
   * follows (a shard each when sharded), with how many it holds of each.
   */
  private async followedChains(): Promise<Array<{ chain: string; size: number }>> {
    const positions = await consumerPositions(this.runtime.dataSource);
    const follows = this.runtime.definition.follows;
    return positions
      .filter((position) => follows.includes(departmentOfChain(position.chain) ?? ''))
      .map((position) => ({ chain: position.chain, size: position.seq }));
  }

  private async consider(chain: string, size: number, now: number): Promise<void> {
    const { dataSource } = this.runtime;
    const anchored = (await this.runtime.commands.state(anchorAggregate, chain)).treeSize;
    if (!anchorDue({ size, anchored, lastAttempt: this.lastAttempt.get(chain), now }, this.config)) {
      // A chain that stopped moving is still checked now and then: a rewrite of its tail that is never
      // published (seqs below the relay's cursor) would otherwise wait for the department's next entry.
      if (size > 0 && size === anchored && now - (this.lastPatrol.get(chain) ?? 0) >= this.patrolMs) {
        this.lastPatrol.set(chain, now);
        await this.checkHead(chain, size);
      }
      return;
    }
    this.lastAttempt.set(chain, now);
    this.lastPatrol.set(chain, now);
    const head = await this.checkHead(chain, size);
    if (!head) return;
    await this.runtime.commands.run(
      anchorAggregate,
      chain,
      { chain, treeSize: size, root: head.root, headSeq: head.seq, headHash: head.hash },
      { actor: 'system:notary', idempotencyKey: `anchor:${chain}:${size}` },
    );
    const oldest = await receivedHashAndTime(dataSource, chain, anchored + 1);
    if (oldest) this.lag.observe({ chain }, Math.max(0, (Date.now() - oldest.time.getTime()) / 1000));
  }

  /**
   * Fetches the department's signed head at `size` and holds it to the
   * notary's own tree of what the department published. Returns the head
   * when they agree; otherwise records the alarm (signed evidence) or counts
   * the check as not made (anything unsigned), and returns undefined.
   */
  private async checkHead(chain: string, size: number): Promise<SignedHead | undefined> {
    const { dataSource } = this.runtime;
    const department = departmentOfChain(chain) ?? chain;
    const url = this.config.NOTARY_DEPARTMENT_URLS[department];
    if (!url) throw new Error(`no URL for ${department} in NOTARY_DEPARTMENT_URLS: cannot check its head`);
    // A shard's head is asked for by its chain; a register of one chain is asked as before.
    const shard = chain === department ? '' : `chain=${encodeURIComponent(chain)}`;
    const head = await this.signedHeadAt(department, `${url}/v1/ledger/head?treeSize=${size}${shard && `&${shard}`}`);
    if (head instanceof HeadUnavailable) {
      if (head.reason === 'not-found-unsigned')
        await this.checkShorter(chain, size, head, `${url}/v1/ledger/head${shard && `?${shard}`}`);
      else this.couldNotCheck(chain, size, head.reason, head.message);
      return undefined;
    }
    const ownRoot = toHex(await rootAt(new PgNodeReader(dataSource, chain), size));
    const received = await receivedHashAndTime(dataSource, chain, size);
    const ownHash = received ? received.hash.toString('hex') : undefined;
    if (head.chain !== chain || head.treeSize !== size || head.root !== ownRoot || head.hash !== ownHash) {
      await this.alarm(chain, size, head, ownRoot);
      return undefined;
    }
    return head;
  }

  /** A head the department signed (checked under the trust bundle), or why there is none to go by. */
  private async signedHeadAt(department: string, url: string): Promise<SignedHead | HeadUnavailable> {
    let head: SignedHead;
    try {
      head = await this.fetchHead(url);
    } catch (error) {
      if (error instanceof HeadUnavailable) return error;
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return new HeadUnavailable(
        timedOut ? 'timeout' : 'unreachable',
        `${url}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    try {
      verifySignedHead(head, department, this.runtime.trust, verifyEd25519Node);
    } catch (error) {
      return new HeadUnavailable('bad-signature', `${url}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return head;
  }

  /**
   * The department said, unsigned, that it has no head at `size`: only its
   * current signed head can make that an alarm (it signed a shorter ledger
   * than it published); anything else is a check not made.
   */
  private async checkShorter(
    chain: string,
    size: number,
    notFound: HeadUnavailable,
    currentUrl: string,
  ): Promise<void> {
    const department = departmentOfChain(chain) ?? chain;
    const current = await this.signedHeadAt(department, currentUrl);
    if (current instanceof HeadUnavailable) {
      this.couldNotCheck(chain, size, current.reason, `${notFound.message}; its current head: ${current.message}`);
      return;
    }
    const received = await receivedHashAndTime(this.runtime.dataSource, chain, size);
    if (!received) {
      this.couldNotCheck(chain, size, 'not-found-unsigned', `${notFound.message}; the notary has no entry ${size}`);
      return;
    }
    const verdict = shorterLedgerVerdict(chain, size, { time: received.time.toISOString() }, current);
    if (verdict.kind === 'unchecked') {
      this.couldNotCheck(chain, size, verdict.reason, `${notFound.message}; ${verdict.why}`);
      return;
    }
    this.runtime.log().error({ chain, size, head: current }, 'HEAD MISMATCH: a ledger lost entries it had published');
    await this.raise(chain, size, `${chain}:${size}:shorter`, verdict.detail);
  }

  /** No signed evidence either way: counted, said, and tried again the next round — never an alarm. */
  private couldNotCheck(chain: string, size: number, reason: UncheckedReason, why: string): void {
    this.unchecked.inc({ chain, reason });
    this.runtime.log().warn({ chain, size, reason, why }, 'head not checked (no signed answer): retrying next round');
    this.lastAttempt.delete(chain);
    this.lastPatrol.delete(chain);
  }

  private async alarm(chain: string, size: number, head: SignedHead, ownRoot: string): Promise<void> {
    this.runtime
      .log()
      .error({ chain, size, theirs: head.root, ours: ownRoot }, 'HEAD MISMATCH: a ledger was rewritten');
    await this.raise(
      chain,
      size,
      `${chain}:${size}:${head.root}`,
      `${chain} signed root ${head.root} (hash ${head.hash}) at ${size} entries; the notary's copy of what it published has root ${ownRoot}`,
    );
  }

  /** An alarm entry of the notary's ledger (kind head-mismatch), once per chain, size and finding. */
  private async raise(chain: string, size: number, key: string, detail: string): Promise<void> {
    if (this.alarmed.has(key)) return;
    this.alarmed.add(key);
    await new AlarmWriter('notary', this.runtime.commands).raise(
      { kind: 'head-mismatch', chain, seq: String(size), detail },
      { actor: 'system:notary', idempotencyKey: `alarm:head:${key}` },
    );
  }
}

/**
 * No signed head to go by: the answer was unsigned (a 404, another status,
 * not JSON) or there was none. `not-found-unsigned` is the ledger's own "no
 * such size" (LEDGER.NOT_FOUND), which the current signed head may confirm.
 */
class HeadUnavailable extends Error {
  constructor(
    readonly reason: UncheckedReason,
    message: string,
  ) {
    super(message);
  }
}

async function defaultFetchHead(url: string): Promise<SignedHead> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
  if (response.status === 404) {
    const body = await response.text();
    if (/"code":"LEDGER\.NOT_FOUND"/.test(body))
      throw new HeadUnavailable('not-found-unsigned', `${url} answered 404: ${body.slice(0, 500)}`);
    throw new HeadUnavailable(
      'http-error',
      `${url} answered 404 (${body.slice(0, 200)}): is NOTARY_DEPARTMENT_URLS right?`,
    );
  }
  if (!response.ok) throw new HeadUnavailable('http-error', `${url} answered ${response.status}`);
  try {
    return parseStrictJson(await response.text(), `the signed head from ${url}`) as SignedHead;
  } catch (error) {
    throw new HeadUnavailable('bad-answer', `${url} answered what is not strict JSON: ${(error as Error).message}`);
  }
}
