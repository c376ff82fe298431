import {
  SubjectKeyStore,
  encodeSealedEntry,
  encodeStoredEntry,
  loadOrCreateDataKek,
  type OutgoingRecord,
  type StoredEntry,
} from '@registry-bus/ledger';
import {
  loadOrCreateEncryptionKeyPair,
  type EventTypeRegistry,
  type LoadedEncryptionKey,
} from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

/**
 * The department's data keys (issue #28): a key per subject, kept wrapped
 * under the key-encryption key in its own schema (libs/ledger's subject
 * keys), from which every field key of every entry of the subject is
 * derived; and the department's X25519 key pair, which the trust bundle
 * lists and to which other departments seal the keys they release to it.
 */
export class DataKeys {
  readonly subjectKeys: SubjectKeyStore;
  readonly encryptionKey: LoadedEncryptionKey;

  constructor(
    dataSource: DataSource,
    readonly department: string,
    keysDir: string,
    private readonly registry: EventTypeRegistry,
  ) {
    this.subjectKeys = new SubjectKeyStore(dataSource, department, loadOrCreateDataKek(keysDir));
    this.encryptionKey = loadOrCreateEncryptionKeyPair(keysDir, department);
  }

  /**
   * The fields an entry of `type` carries in clear, or undefined when it is
   * a control entry (grants, keys, anchors, tokens: everything in clear,
   * since every consumer must read them). A type this department does not
   * know keeps nothing in clear.
   */
  publicFieldsOf(type: string): readonly string[] | undefined {
    if (this.registry.isControl(type)) return undefined;
    return this.registry.get(type)?.publicFields ?? [];
  }

  /** Whether an entry goes on the topic sealed: it has data and is no control entry. */
  private sealed(entry: StoredEntry): boolean {
    return entry.disclosure !== undefined && this.publicFieldsOf(entry.type) !== undefined;
  }

  /** The subject keys of these subjects; with `create`, made for those that have none. */
  keysOf(subjects: readonly string[], create: boolean): Promise<Map<string, Uint8Array>> {
    return subjects.length === 0 ? Promise.resolve(new Map()) : this.subjectKeys.keysFor(subjects, create);
  }

  /**
   * The relay's encoder: a batch's subject keys in one query (made for new
   * subjects), then each entry sealed with its subject's key. A control
   * entry goes as it is.
   */
  readonly encodeBatch = async (entries: StoredEntry[]): Promise<OutgoingRecord[]> => {
    const keys = await this.keysOf([...new Set(entries.filter((e) => this.sealed(e)).map((e) => e.subject))], true);
    return Promise.all(
      entries.map((entry) => {
        const publicFields = this.publicFieldsOf(entry.type);
        if (entry.disclosure === undefined || publicFields === undefined) return encodeStoredEntry(entry);
        return encodeSealedEntry(entry, { subjectKey: keys.get(entry.subject)!, publicFields });
      }),
    );
  };
}
