import type { DepartmentContext } from '@registry-bus/kit';
import { entriesWithFields } from '@registry-bus/ledger';
import {
  NoteSignatureType,
  formatCheckpoint,
  formatNote,
  formatVerifierKey,
  fromHex,
  signNoteEd25519,
} from '@registry-bus/protocol';

/** What the checkpoints read of the notary's runtime: its anchors and its signer. */
export type CheckpointsContext = Pick<DepartmentContext, 'dataSource' | 'signer'>;

/** The note key name of the notary: its name in the trust bundle. */
export const NOTARY_NOTE_NAME = 'notary';

const ANCHOR_TYPE = 'gov.notary.anchor.signed.v1';

/**
 * The notary's anchors as C2SP tlog-checkpoints (issue #23): origin
 * `<prefix>/<chain>`, the anchored tree size and its RFC 6962 root, signed
 * as a C2SP signed note (Ed25519, type 0x01) by the notary's key, named as
 * in the trust bundle — so any transparency-log tool reads them (Go's
 * sumdb/note checks ours in the tests). The anchor entries on
 * gov.notary.ledger stay the notary's record; a checkpoint says the same of
 * the latest one, in the ecosystem's format.
 */
export class NotaryCheckpoints {
  /** The signed note of the last checkpoint served per chain: an anchor is signed once, not once per request. */
  private readonly signed = new Map<string, { text: string; note: Promise<string> }>();

  constructor(
    private readonly runtime: CheckpointsContext,
    private readonly originPrefix: string,
  ) {}

  /** The note verifier key of the notary (`<name>+<key id>+<base64 type ‖ key>`), a line. */
  verifierKeys(): string {
    return `${formatVerifierKey(NOTARY_NOTE_NAME, NoteSignatureType.ED25519, this.runtime.signer.publicKey)}\n`;
  }

  /** The latest checkpoint of `chain` as a signed note; undefined while the notary has anchored none. */
  async latest(chain: string): Promise<string | undefined> {
    const [anchor] = await entriesWithFields(
      this.runtime.dataSource,
      { chains: [NOTARY_NOTE_NAME], type: ANCHOR_TYPE, fields: { chain } },
      { newestFirst: true, limit: 1 },
    );
    if (!anchor?.fields) return undefined;
    const text = formatCheckpoint({
      origin: `${this.originPrefix}/${chain}`,
      size: Number(anchor.fields.treeSize),
      rootHash: fromHex(String(anchor.fields.root)),
    });
    const cached = this.signed.get(chain);
    if (cached?.text === text) return cached.note;
    const signer = this.runtime.signer;
    const note = signNoteEd25519(text, NOTARY_NOTE_NAME, signer.publicKey, (message) => signer.sign(message)).then(
      (signature) => formatNote({ text, signatures: [signature] }),
    );
    // A failed signature is not kept: the next request signs afresh.
    note.catch(() => this.signed.delete(chain));
    this.signed.set(chain, { text, note });
    return note;
  }
}
