import type { DepartmentContext } from '@registry-bus/kit';
import { originOf } from '@registry-bus/kit';
import { entriesWithFields } from '@registry-bus/ledger';
import {
  NoteSignatureType,
  formatCheckpoint,
  formatSignatureLine,
  formatVerifierKey,
  fromHex,
  cosignerKeysOf,
  cosignerNames,
  envelopeFromStored,
  parseDisclosure,
  parseStrictJsonBytes,
  quorumOf,
  signNoteEd25519,
  type Disclosure,
  type SignedEnvelope,
} from '@registry-bus/protocol';

import { checkpointWitnesses } from '@registry-bus/receipts';

import { CheckpointCosignatures } from './checkpoint-cosignatures.js';

/** What the checkpoints read of the notary's runtime: its anchors, its signer and the bundle's keys. */
export type CheckpointsContext = Pick<DepartmentContext, 'dataSource' | 'signer' | 'trust' | 'ledger'>;

/** The note key name of the notary: its name in the trust bundle. */
export const NOTARY_NOTE_NAME = 'notary';
/** How many anchors covering an entry the notary looks through for the first one a quorum cosigned. */
const FIRST_COVERING_LIMIT = 100;

const ANCHOR_TYPE = 'gov.notary.anchor.signed.v1';

/** A checkpoint of one chain with the notary's signature line: what is pushed to the witnesses. */
export interface NotaryCheckpoint {
  chain: string;
  size: number;
  root: Uint8Array;
  /** The checkpoint's note text. */
  text: string;
  /** The notary's signature line, without its newline. */
  signatureLine: string;
}

/**
 * The notary's anchors as C2SP tlog-checkpoints (issue #23): origin
 * `<prefix>/<chain>`, the anchored tree size and its RFC 6962 root, signed
 * as a C2SP signed note (Ed25519, type 0x01) by the notary's key, named as
 * in the trust bundle — so any transparency-log tool reads them (Go's
 * sumdb/note checks ours in the tests) — and served with the witnesses'
 * cosignatures (type 0x04) the notary gathered. The anchor entries on
 * gov.notary.ledger stay the notary's record; a checkpoint says the same of
 * the latest one, in the ecosystem's format.
 */
export class NotaryCheckpoints {
  /** Signature lines by checkpoint text: an anchor is signed once, not once per request (the latest few hundred kept). */
  private readonly signed = new Map<string, Promise<string>>();
  readonly cosignatures: CheckpointCosignatures;

  private static readonly byRuntime = new WeakMap<CheckpointsContext, NotaryCheckpoints>();

  /** One per runtime: the controller, the pusher and the query share its signatures. */
  static of(runtime: CheckpointsContext, originPrefix: string): NotaryCheckpoints {
    let checkpoints = NotaryCheckpoints.byRuntime.get(runtime);
    if (!checkpoints)
      NotaryCheckpoints.byRuntime.set(runtime, (checkpoints = new NotaryCheckpoints(runtime, originPrefix)));
    return checkpoints;
  }

  constructor(
    private readonly runtime: CheckpointsContext,
    readonly originPrefix: string,
  ) {
    this.cosignatures = new CheckpointCosignatures(runtime.dataSource);
  }

  /**
   * The note verifier keys, a line each: the notary's (type 0x01), then
   * every witness key of the bundle valid now (type 0x04: each department's,
   * then each outside witness's).
   */
  verifierKeys(): string {
    const bundle = this.runtime.trust;
    const now = new Date();
    const witnesses = cosignerNames(bundle).flatMap((name) =>
      cosignerKeysOf(bundle, name)
        .filter(({ validAt }) => validAt(now))
        .map(({ key }) => key),
    );
    return [
      formatVerifierKey(NOTARY_NOTE_NAME, NoteSignatureType.ED25519, this.runtime.signer.publicKey),
      ...witnesses.map((key) => formatVerifierKey(key.name, key.type, key.publicKey)),
    ]
      .map((line) => `${line}\n`)
      .join('');
  }

  /** The latest checkpoint of `chain`, signed by the notary; undefined while it has anchored none. */
  async checkpoint(chain: string): Promise<NotaryCheckpoint | undefined> {
    const [anchor] = await entriesWithFields(
      this.runtime.dataSource,
      { chains: [NOTARY_NOTE_NAME], type: ANCHOR_TYPE, fields: { chain } },
      { newestFirst: true, limit: 1 },
    );
    if (!anchor?.fields) return undefined;
    return this.at(chain, Number(anchor.fields.treeSize), fromHex(String(anchor.fields.root)));
  }

  /** The checkpoint of `chain` at `size` with `root` (an anchor's), signed by the notary. */
  async at(chain: string, size: number, root: Uint8Array): Promise<NotaryCheckpoint> {
    const text = formatCheckpoint({ origin: originOf(this.originPrefix, chain), size, rootHash: root });
    let line = this.signed.get(text);
    if (!line) {
      const signer = this.runtime.signer;
      line = signNoteEd25519(text, NOTARY_NOTE_NAME, signer.publicKey, (message) => signer.sign(message)).then((s) =>
        formatSignatureLine(s.name, s.keyId, s.signature),
      );
      // A failed signature is not kept: the next request signs afresh.
      line.catch(() => this.signed.delete(text));
      this.signed.set(text, line);
      if (this.signed.size > 500) this.signed.delete(this.signed.keys().next().value!);
    }
    return { chain, size, root, text, signatureLine: await line };
  }

  /**
   * The checkpoints of these anchors (by seq of the notary's ledger) with the
   * cosignatures gathered for each — those that have any: what a department
   * puts in a receipt (the cosignatures query).
   */
  async forAnchors(anchorSeqs: readonly string[]): Promise<Record<string, string>> {
    const found: Record<string, string> = {};
    for (const seq of anchorSeqs) {
      const stored = await this.runtime.ledger.reader.entry(NOTARY_NOTE_NAME, Number(seq));
      if (!stored?.disclosure) continue;
      const { fields } = parseDisclosure(parseStrictJsonBytes(stored.disclosure, 'a stored anchor'));
      if (typeof fields.chain !== 'string' || typeof fields.treeSize !== 'string' || typeof fields.root !== 'string')
        continue;
      const checkpoint = await this.at(fields.chain, Number(fields.treeSize), fromHex(fields.root));
      const cosignatures = await this.cosignatures.of(checkpoint.chain, checkpoint.size, checkpoint.root);
      if (cosignatures.length > 0)
        found[seq] = NotaryCheckpoints.note(
          checkpoint,
          cosignatures.map((c) => c.line),
        );
    }
    return found;
  }

  /**
   * The first anchor of `chain` that covers its entry `seq` (tree size ≥
   * seq) and whose checkpoint a quorum cosigned — the one that fixed when
   * the world saw it — as a signed entry with its data, and its checkpoint
   * with the cosignatures gathered. Not simply the first covering anchor:
   * the pusher sends each round only the latest checkpoint of a chain, so an
   * anchor superseded within a round is never cosigned. The first
   * `FIRST_COVERING_LIMIT` covering anchors are looked at; the asker checks
   * the quorum again.
   */
  async firstCovering(
    chain: string,
    seq: number,
  ): Promise<
    { anchor: { envelope: SignedEnvelope; disclosure: Disclosure }; treeSize: number; checkpoint: string } | undefined
  > {
    const covering = await entriesWithFields(
      this.runtime.dataSource,
      { chains: [NOTARY_NOTE_NAME], type: ANCHOR_TYPE, fields: { chain }, atLeast: { treeSize: seq } },
      { limit: FIRST_COVERING_LIMIT },
    );
    for (const stored of covering) {
      if (!stored.disclosure || !stored.fields) continue;
      const checkpoint = (await this.forAnchors([String(stored.seq)]))[String(stored.seq)];
      if (!checkpoint) continue;
      const anchor = {
        envelope: envelopeFromStored(stored.envelope, stored.hash, stored.sig, stored.keyid),
        disclosure: parseDisclosure(parseStrictJsonBytes(stored.disclosure, 'a stored anchor')),
      };
      let cosigners: string[];
      try {
        cosigners = checkpointWitnesses(checkpoint, anchor, this.runtime.trust).cosigners;
      } catch {
        continue;
      }
      if (!quorumOf(this.runtime.trust, chain, cosigners).met) continue;
      return { anchor, treeSize: Number(stored.fields.treeSize), checkpoint };
    }
    return undefined;
  }

  /** The checkpoint as a signed note with only the notary's signature: what a witness is asked to cosign. */
  static note(checkpoint: NotaryCheckpoint, cosignatureLines: readonly string[] = []): string {
    return `${checkpoint.text}\n${[checkpoint.signatureLine, ...cosignatureLines].map((l) => `${l}\n`).join('')}`;
  }

  /** The latest checkpoint of `chain` as a signed note with every cosignature gathered for it; undefined before any. */
  async latest(chain: string): Promise<string | undefined> {
    const checkpoint = await this.checkpoint(chain);
    if (!checkpoint) return undefined;
    const cosignatures = await this.cosignatures.of(chain, checkpoint.size, checkpoint.root);
    return NotaryCheckpoints.note(
      checkpoint,
      cosignatures.map((c) => c.line),
    );
  }
}
