import { consumerPositions } from '@registry-bus/bus';
import { AlarmWriter, type DepartmentContext, type DepartmentService } from '@registry-bus/kit';
import { consistencyProofAt } from '@registry-bus/merkle';
import { PgNodeReader } from '@registry-bus/ledger';
import {
  TLOG_SIZE_CONTENT_TYPE,
  departmentOfChain,
  formatAddCheckpoint,
  formatSignatureLine,
  cosignerKeysOf,
  parseNote,
  signaturesBy,
  toHex,
  verifyCosignatures,
  type SignedNote,
} from '@registry-bus/protocol';
import { Counter } from 'prom-client';

import { NOTARY_NOTE_NAME, NotaryCheckpoints, type NotaryCheckpoint } from './notary-checkpoints.js';

/** A witness the notary pushes checkpoints to: its note key name and its tlog-witness submission prefix. */
export interface WitnessTarget {
  name: string;
  /** The notary POSTs `<prefix>/add-checkpoint`. */
  prefix: string;
}

export type PushContext = Pick<DepartmentContext, 'dataSource' | 'metrics' | 'trust' | 'log' | 'commands'>;

/** What one add-checkpoint request came to. */
export type PushOutcome = 'cosigned' | 'conflict' | 'refused' | 'unreachable' | 'bad-cosignature';

/** How long the notary waits for a witness: a slow one must not hold up the others for long. */
const WITNESS_TIMEOUT_MS = 5000;

/**
 * Pushes each new checkpoint to every witness of its chain, per C2SP
 * tlog-witness, and keeps the cosignatures that verify under the trust
 * bundle (issue #23). The witnesses are the departments the notary knows
 * (NOTARY_DEPARTMENT_URLS) other than the chain's owner: none needs any data
 * of the chain. It remembers what each witness cosigned, so the proof it
 * sends starts there; a 409 tells it the witness's size, and it sends again
 * from that — once, in the same round.
 */
export class CheckpointPusher implements DepartmentService {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** What each witness said it holds of a chain (a 409's size), by `<chain> <witness>`. */
  private readonly heldBy = new Map<string, number>();
  private readonly outcomes: Counter<'witness' | 'outcome'>;
  /** The failures already logged, by `<witness> <chain> <outcome>`. */
  private readonly said = new Set<string>();

  constructor(
    private readonly runtime: PushContext,
    private readonly checkpoints: NotaryCheckpoints,
    private readonly witnesses: () => WitnessTarget[],
    private readonly intervalMs: number,
  ) {
    this.outcomes = new Counter({
      name: 'registry_bus_notary_checkpoint_pushes_total',
      help: 'add-checkpoint requests the notary sent, by witness and outcome (cosigned, conflict: a 409 and a resend, refused: 4xx/5xx, unreachable, bad-cosignature)',
      labelNames: ['witness', 'outcome'],
      registers: [runtime.metrics.registry],
    });
  }

  async start(): Promise<void> {
    this.timer = setInterval(() => {
      if (!this.running && !this.stopped) this.running = this.round().finally(() => (this.running = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass: the latest checkpoint of every anchored chain to every witness that has not cosigned it (exposed for tests). */
  async round(): Promise<void> {
    // The chains the notary follows (its consumer positions, a row per chain): those it may have anchored.
    for (const { chain } of await consumerPositions(this.runtime.dataSource)) {
      const checkpoint = await this.checkpoints.checkpoint(chain);
      if (!checkpoint) continue;
      const have = new Set(
        (await this.checkpoints.cosignatures.of(chain, checkpoint.size, checkpoint.root)).map((c) => c.witness),
      );
      const owner = departmentOfChain(chain);
      const targets = this.witnesses().filter((w) => w.name !== owner && w.name !== NOTARY_NOTE_NAME);
      // Witnesses answer independently: one slow or down does not hold up the others.
      await Promise.all(targets.filter((w) => !have.has(w.name)).map((w) => this.push(checkpoint, w)));
    }
  }

  /** Sends the checkpoint to one witness (again from its own size after a 409); keeps a cosignature that verifies. */
  async push(checkpoint: NotaryCheckpoint, witness: WitnessTarget): Promise<PushOutcome> {
    const key = `${checkpoint.chain} ${witness.name}`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const held =
        this.heldBy.get(key) ??
        (await this.checkpoints.cosignatures.largestCosigned(checkpoint.chain, witness.name)) ??
        0;
      // A witness ahead of the notary cannot be shown a proof from its size; it answers 409 again, said below.
      const old = Math.min(held, checkpoint.size);
      const proof =
        old > 0 && old < checkpoint.size
          ? await consistencyProofAt(new PgNodeReader(this.runtime.dataSource, checkpoint.chain), old, checkpoint.size)
          : [];
      const body = formatAddCheckpoint({ oldSize: old, proof, checkpoint: NotaryCheckpoints.note(checkpoint) });
      let response: Response;
      try {
        response = await fetch(`${witness.prefix}/add-checkpoint`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain; charset=utf-8' },
          body,
          signal: AbortSignal.timeout(WITNESS_TIMEOUT_MS),
        });
      } catch (error) {
        return this.count(witness, 'unreachable', checkpoint, String(error));
      }
      const text = await response.text();
      if (response.status === 409 && response.headers.get('content-type')?.startsWith(TLOG_SIZE_CONTENT_TYPE)) {
        const size = /^(0|[1-9][0-9]*)\n$/.exec(text);
        if (!size)
          return this.count(witness, 'refused', checkpoint, `409 with a body that is not a size: ${text.slice(0, 80)}`);
        const holds = Number(size[1]);
        this.heldBy.set(key, holds);
        this.outcomes.inc({ witness: witness.name, outcome: 'conflict' });
        if (holds > checkpoint.size || (holds === checkpoint.size && holds === old)) {
          // The latest checkpoint is the largest the notary ever signed: a witness holding a larger one, or
          // another root at this size, cosigned a checkpoint under the notary's key that the notary never made.
          await this.notMine(checkpoint, witness, holds);
          break;
        }
        if (holds === old) break;
        continue;
      }
      if (response.status !== 200)
        return this.count(witness, 'refused', checkpoint, `${response.status}: ${text.slice(0, 300)}`);
      return this.keep(checkpoint, witness, text);
    }
    return this.count(
      witness,
      'refused',
      checkpoint,
      `the witness holds ${this.heldBy.get(key)} of ${checkpoint.chain}`,
    );
  }

  /**
   * Checks the witness's cosignature lines against its keys in the bundle —
   * the key valid at the time the cosignature states — and keeps the line
   * that verifies.
   */
  private async keep(checkpoint: NotaryCheckpoint, witness: WitnessTarget, lines: string): Promise<PushOutcome> {
    let note: SignedNote;
    try {
      note = parseNote(`${NotaryCheckpoints.note(checkpoint)}${lines}`);
    } catch (error) {
      return this.count(witness, 'bad-cosignature', checkpoint, `not signature lines: ${String(error)}`);
    }
    for (const { key, validAt } of cosignerKeysOf(this.runtime.trust, witness.name)) {
      let timestamps: number[];
      try {
        timestamps = verifyCosignatures(note, key);
      } catch (error) {
        return this.count(witness, 'bad-cosignature', checkpoint, String(error));
      }
      const at = timestamps[0];
      if (at === undefined || !validAt(new Date(at * 1000))) continue;
      const [signature] = signaturesBy(note, key);
      await this.checkpoints.cosignatures.record({
        chain: checkpoint.chain,
        treeSize: checkpoint.size,
        root: checkpoint.root,
        witness: witness.name,
        cosignedAt: at,
        line: formatSignatureLine(signature!.name, signature!.keyId, signature!.signature),
      });
      this.heldBy.set(`${checkpoint.chain} ${witness.name}`, checkpoint.size);
      this.outcomes.inc({ witness: witness.name, outcome: 'cosigned' });
      for (const said of [...this.said])
        if (said.startsWith(`${witness.name} ${checkpoint.chain} `)) this.said.delete(said);
      return 'cosigned';
    }
    return this.count(
      witness,
      'bad-cosignature',
      checkpoint,
      'no cosignature by a key of this witness valid at its time',
    );
  }

  /** An alarm of the notary's own ledger: its key signed a checkpoint it never made (stolen, or misused). */
  private async notMine(checkpoint: NotaryCheckpoint, witness: WitnessTarget, holds: number): Promise<void> {
    const origin = `${checkpoint.chain} at ${holds}`;
    if (this.said.has(`not-mine ${witness.name} ${origin}`)) return;
    this.said.add(`not-mine ${witness.name} ${origin}`);
    await new AlarmWriter('notary', this.runtime.commands).raise(
      {
        kind: 'witness-mismatch',
        chain: checkpoint.chain,
        seq: String(holds),
        detail: `checkpoint not the notary's: witness ${witness.name} holds a checkpoint of ${checkpoint.chain} at ${holds} entries${holds === checkpoint.size ? ` with another root than the notary's (${toHex(checkpoint.root)})` : `, the notary signed at most ${checkpoint.size}`}: a checkpoint signed with the notary's key that the notary never made`,
      },
      {
        actor: 'system:notary',
        idempotencyKey: `alarm:checkpoint-not-mine:${witness.name}:${checkpoint.chain}:${holds}`,
      },
    );
  }

  private count(witness: WitnessTarget, outcome: PushOutcome, checkpoint: NotaryCheckpoint, why: string): PushOutcome {
    this.outcomes.inc({ witness: witness.name, outcome });
    // Said once per witness, chain and outcome: a witness away for an hour is one line, not one a round.
    const said = `${witness.name} ${checkpoint.chain} ${outcome}`;
    if (!this.said.has(said)) {
      this.said.add(said);
      this.runtime
        .log()
        .warn(
          { witness: witness.name, chain: checkpoint.chain, size: checkpoint.size, outcome, why },
          'checkpoint not cosigned (counted in registry_bus_notary_checkpoint_pushes_total; said once until it cosigns)',
        );
    }
    return outcome;
  }
}
