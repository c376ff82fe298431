import { EMPTY_ROOT } from '@registry-bus/merkle';
import { entriesWithFields } from '@registry-bus/ledger';
import {
  NoteSignatureType,
  cosignCheckpoint,
  departmentOfChain,
  formatSignatureLine,
  fromHex,
  noteKeyId,
  noteKeysOf,
  parseAddCheckpoint,
  parseCheckpoint,
  parseNote,
  toHex,
  verifyCosignatures,
  verifyNoteEd25519,
  type Checkpoint,
  type Signer,
  type SignedNote,
  type TrustBundle,
} from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import type { CommandRunner } from '../../commands/command-runner.js';
import { ProblemError } from '../../problems/problem-details.js';
import { alarmEntry } from '../../runtime/parts/alarms/index.js';
import { witnessAggregate } from '../witness-reaction.js';
import { chainOfOrigin } from './checkpoint-origin.js';
import { judgeCheckpoint, type WitnessState } from './judge-checkpoint.js';
import type { JoinedOrigins } from './joined-origins.js';
import { judgeAndRecord } from './witness-state.js';

export interface CheckpointWitnessContext {
  department: string;
  /** This department's own chains (it witnesses every chain but these), and where its marker entries go. */
  chains: readonly string[];
  dataSource: DataSource;
  signer: Pick<Signer, 'publicKey' | 'sign'>;
  trust: () => TrustBundle;
  commands: Pick<CommandRunner, 'run'>;
  originPrefix: string;
  /** The origins it began (beside its key, so that a database rebuilt from the topic knows it lost them). */
  joined: JoinedOrigins;
  /**
   * After a loss: the last checkpoint of `chain` this witness cosigned, as
   * the notary holds it (a signed note with this witness's own cosignature),
   * or undefined. Believed only for the cosignature being its own.
   */
  restore?: (chain: string) => Promise<string | undefined>;
  /**
   * The root at `size` of the copy this department holds of a chain it
   * follows (hex), or undefined — it does not follow it, or holds fewer
   * entries yet. A follower refuses a checkpoint its copy contradicts: the
   * check a data-less witness cannot make.
   */
  heldRoot?: (chain: string, size: number) => Promise<string | undefined>;
}

/** What add-checkpoint answers besides a problem: the cosignature line, or 409 with the witness's size. */
export type WitnessAnswer = { status: 200; body: string } | { status: 409; body: string };

const NOTARY = 'notary';
const ACTOR = 'system:witness';

const refuse = (status: number, code: string, title: string, detail: string, field: string, reason = detail) =>
  new ProblemError(status, code, title, detail, [{ field, reason }]);

/** The origin's state is gone while the ledger says this witness held one: cosigning from scratch could sign a fork. */
class StateLost extends Error {}

/**
 * This department as a C2SP tlog-witness of the notary's checkpoints
 * (issue #23): it witnesses every chain but its own with no data, grant or
 * topic access — the notary's signature, and a consistency proof from the
 * last checkpoint it cosigned, are all it needs. It never cosigns two
 * checkpoints of one origin that do not extend one another. Data-less
 * witnessing adds to the followers' check, it does not replace it: a
 * consistent but fabricated extension is caught by the chain's followers —
 * here, when one holds the chain up to the checkpoint's size (422
 * WITNESS.UNSUPPORTED, an alarm), and in its check of each anchor — and by
 * the notary, which sees a witness hold a checkpoint under its key it never
 * signed.
 *
 * An origin it first witnesses starts from the last anchor of that chain it
 * cosigned in the old format (no trust on first use from size 0 for a chain
 * it knew), else from size 0; its first advance is recorded beside its key
 * (JoinedOrigins), so a witness whose state is lost — a database rebuilt
 * from the topic — knows it: it restores the origin from the last
 * checkpoint it cosigned, which the notary keeps (its own cosignature is
 * the proof), and refuses the origin, naming it, when there is none —
 * never starting again from an older point.
 */
export class CheckpointWitness {
  constructor(private readonly context: CheckpointWitnessContext) {}

  /** The note key name of this witness's cosignatures: its department id, as in the trust bundle. */
  get name(): string {
    return this.context.department;
  }

  /** POST add-checkpoint: the cosignature line, a 409 with this witness's size, or a ProblemError. */
  async addCheckpoint(body: string, now = Date.now()): Promise<WitnessAnswer> {
    const { request, note, checkpoint } = this.read(body);
    const chain = this.chainOf(checkpoint.origin);
    this.checkNotarySignature(note, checkpoint.origin);
    const held = await this.context.heldRoot?.(chain, checkpoint.size);

    let outcome: Awaited<ReturnType<typeof judgeAndRecord>>;
    try {
      outcome = await judgeAndRecord(
        this.context.dataSource,
        checkpoint.origin,
        { size: checkpoint.size, rootHash: checkpoint.rootHash, note: request.checkpoint },
        () => this.initialState(checkpoint.origin, chain),
        (state) => judgeCheckpoint(state, request, checkpoint, held === undefined ? undefined : fromHex(held)),
      );
    } catch (error) {
      if (!(error instanceof StateLost)) throw error;
      await this.alarm(chain, checkpoint, 'state-lost', error.message);
      throw new ProblemError(503, 'WITNESS.STATE_LOST', 'Witness state lost', error.message, [
        { field: 'origin', reason: error.message },
      ]);
    }
    const { judgement, state } = outcome;
    switch (judgement.kind) {
      case 'old-after-new':
        throw refuse(
          400,
          'WITNESS.OLD_AFTER_NEW',
          'Old size after the checkpoint',
          `old size ${request.oldSize} is larger than the checkpoint's ${checkpoint.size}`,
          'old',
        );
      case 'size-mismatch':
        if (judgement.fork)
          await this.alarm(
            chain,
            checkpoint,
            'fork',
            `the notary signed ${checkpoint.origin} at ${checkpoint.size} with root ${toHex(checkpoint.rootHash)}; this witness cosigned root ${toHex(state.root)} at that size`,
          );
        return { status: 409, body: `${judgement.size}\n` };
      case 'bad-proof':
        await this.alarm(
          chain,
          checkpoint,
          'inconsistent',
          `the notary's checkpoint ${checkpoint.origin} at ${checkpoint.size} is not consistent with the ${state.size} this witness cosigned: ${judgement.reason}`,
        );
        throw refuse(422, 'WITNESS.INCONSISTENT', 'Checkpoint not consistent', judgement.reason, 'proof');
      case 'unsupported': {
        // A follower holding the chain to that size: a consistent extension made of entries the topic never
        // carried, which witnesses without data would cosign. Refused before the state moves.
        const reason = `${this.context.department} follows ${chain}: its copy of the topic has root ${held} at ${checkpoint.size} entries, the checkpoint ${toHex(checkpoint.rootHash)}`;
        await this.alarm(
          chain,
          checkpoint,
          'unsupported',
          `the notary signed ${checkpoint.origin} at ${checkpoint.size}, but ${reason}`,
        );
        throw refuse(422, 'WITNESS.UNSUPPORTED', 'Checkpoint not supported by the topic', reason, 'checkpoint');
      }
      case 'cosign':
        if (judgement.advances) this.recordJoined(checkpoint);
        return { status: 200, body: await this.cosign(note, now) };
    }
  }

  /** The verifier key of this witness's cosignatures (type 0x04), as `/v1/checkpoints/keys` lists it. */
  keyId(): string {
    return noteKeyId(this.name, NoteSignatureType.COSIGNATURE_V1, this.context.signer.publicKey);
  }

  private read(body: string): {
    request: ReturnType<typeof parseAddCheckpoint>;
    note: SignedNote;
    checkpoint: Checkpoint;
  } {
    try {
      const request = parseAddCheckpoint(body);
      const note = parseNote(request.checkpoint);
      return { request, note, checkpoint: parseCheckpoint(note.text) };
    } catch (error) {
      const reason = error instanceof Error && 'reason' in error ? String(error.reason) : String(error);
      throw refuse(400, 'WITNESS.BAD_REQUEST', 'Not an add-checkpoint request', reason, 'body');
    }
  }

  /** The chain of an origin this witness witnesses; 404 for any other (another deployment's, or its own chain). */
  private chainOf(origin: string): string {
    const chain = chainOfOrigin(this.context.originPrefix, origin);
    const owner = chain && departmentOfChain(chain);
    const known = owner !== undefined && this.context.trust().departments.some((d) => d.id === owner);
    if (!chain || !known)
      throw refuse(
        404,
        'WITNESS.UNKNOWN_ORIGIN',
        'Unknown origin',
        `${origin} is not a chain of this deployment`,
        'origin',
      );
    if (owner === this.context.department)
      throw refuse(
        404,
        'WITNESS.OWN_CHAIN',
        'Own chain',
        `${this.context.department} does not witness its own chain ${chain}`,
        'origin',
      );
    return chain;
  }

  /** 403 unless the notary signed the note with a key the bundle holds valid now. */
  private checkNotarySignature(note: SignedNote, origin: string): void {
    const keys = noteKeysOf(this.context.trust(), NOTARY, NoteSignatureType.ED25519, new Date());
    const signed = keys.some((key) => {
      try {
        return verifyNoteEd25519(note, key);
      } catch {
        return false;
      }
    });
    if (!signed)
      throw refuse(
        403,
        'WITNESS.NOT_SIGNED',
        'Not signed by the notary',
        `the checkpoint of ${origin} carries no valid signature of a notary key in trust bundle ${this.context.trust().version}`,
        'checkpoint',
      );
  }

  /**
   * The state of an origin with no row yet: refused when the ledger says this
   * witness held it; else the last anchor of the chain it cosigned in the old
   * format; else size 0.
   */
  private async initialState(origin: string, chain: string): Promise<{ state: WitnessState; restoredFrom?: string }> {
    const { dataSource, department, chains } = this.context;
    const joined = this.context.joined.joined(origin);
    if (joined) {
      const restored = await this.restored(origin, chain, joined.treeSize);
      if (restored) return restored;
      throw new StateLost(
        `${department} has lost its witness state of ${origin}: it began witnessing it at size ${joined.treeSize}, its database holds nothing of it now, and no checkpoint it cosigned could be restored; it refuses the origin until an operator restores that state`,
      );
    }
    const [cosigned] = await entriesWithFields(
      dataSource,
      { chains: [...chains], type: `gov.${department}.witness.cosigned.v1`, fields: { chain } },
      { newestFirst: true, limit: 1 },
    );
    if (cosigned?.fields)
      return { state: { size: Number(cosigned.fields.treeSize), root: fromHex(String(cosigned.fields.root)) } };
    return { state: { size: 0, root: EMPTY_ROOT } };
  }

  /**
   * The state restored from the last checkpoint of the origin this witness
   * cosigned, as the notary gives it back: the notary's signature and this
   * witness's own cosignature must verify, and it must be at least the size
   * it began at. Undefined when there is none to believe.
   */
  private async restored(
    origin: string,
    chain: string,
    joinedAt: number,
  ): Promise<{ state: WitnessState; restoredFrom: string } | undefined> {
    const note = await this.context.restore?.(chain).catch(() => undefined);
    if (note === undefined) return undefined;
    try {
      const parsed = parseNote(note);
      const checkpoint = parseCheckpoint(parsed.text);
      const own = {
        name: this.name,
        keyId: this.keyId(),
        type: NoteSignatureType.COSIGNATURE_V1,
        publicKey: this.context.signer.publicKey,
      };
      if (checkpoint.origin !== origin || checkpoint.size < joinedAt) return undefined;
      if (verifyCosignatures(parsed, own).length === 0) return undefined;
      this.checkNotarySignature(parsed, origin);
      return { state: { size: checkpoint.size, root: checkpoint.rootHash }, restoredFrom: note };
    } catch {
      return undefined;
    }
  }

  /** The first advance of an origin, beside the key: from then on, a lost state is known to be lost. */
  private recordJoined(checkpoint: Checkpoint): void {
    this.context.joined.join(checkpoint.origin, checkpoint.size, toHex(checkpoint.rootHash));
  }

  private async cosign(note: SignedNote, now: number): Promise<string> {
    const { signer } = this.context;
    const cosignature = await cosignCheckpoint(note.text, this.name, signer.publicKey, Math.floor(now / 1000), (m) =>
      signer.sign(m),
    );
    return `${formatSignatureLine(cosignature.name, cosignature.keyId, cosignature.signature)}\n`;
  }

  private async alarm(chain: string, checkpoint: Checkpoint, finding: string, detail: string): Promise<void> {
    await this.context.commands.run(
      witnessAggregate,
      `checkpoint:${checkpoint.origin}`,
      alarmEntry(this.context.department, {
        kind: 'witness-mismatch',
        chain,
        seq: String(checkpoint.size),
        detail: `checkpoint ${finding}: ${detail}`,
      }),
      {
        actor: ACTOR,
        // The same finding seen again is the same alarm.
        idempotencyKey: `checkpoint-${finding}:${checkpoint.origin}:${checkpoint.size}:${toHex(checkpoint.rootHash)}`,
      },
    );
  }
}
