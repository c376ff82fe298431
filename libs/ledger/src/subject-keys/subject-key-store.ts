import { newSubjectKey } from '@registry-bus/protocol';

import {
  requireSubject,
  unwrapSubjectKey,
  wrapSubjectKey,
  type KeyEncryptionKey,
  type WrappedSubjectKey,
} from './subject-key-wrap.js';

/** What the store queries through: a TypeORM DataSource or a transaction's EntityManager fits. */
export interface SubjectKeyQueryable {
  query(sql: string, params?: unknown[]): Promise<any[]>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface SubjectKeyStoreOptions {
  /** How many unwrapped subject keys are kept in memory; the least recently used goes first. Default 10,000. */
  cacheSize?: number;
}

interface SubjectKeyRow {
  subject: string;
  kek_id: string;
  nonce: Uint8Array;
  wrapped: Uint8Array;
}

const DEFAULT_CACHE_SIZE = 10_000;

/**
 * The department's subject keys (issue #28): every SQL statement of
 * keystore.subject_key. Keys are stored wrapped under the department's KEK
 * and handed out unwrapped; a key once stored is never replaced (the table
 * refuses UPDATE), so a cached key stays right until erasure (issue #29)
 * removes the row — and erasure will clear the cache with it.
 */
export class SubjectKeyStore {
  private readonly cache = new Map<string, Uint8Array>();
  private readonly cacheSize: number;

  constructor(
    private readonly db: SubjectKeyQueryable,
    private readonly department: string,
    private readonly kek: KeyEncryptionKey,
    options: SubjectKeyStoreOptions = {},
  ) {
    if (typeof department !== 'string' || department.length === 0) {
      throw new Error('a subject key store belongs to a department: the department is missing');
    }
    this.cacheSize = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    if (!Number.isSafeInteger(this.cacheSize) || this.cacheSize < 0) {
      throw new Error(`cacheSize ${this.cacheSize} refused: a number of keys, 0 or more`);
    }
  }

  /**
   * The keys of those subjects that have one. With `create`, the missing
   * ones are made and inserted in one statement; ON CONFLICT DO NOTHING and
   * the select after it make two instances racing on a subject agree on the
   * key that was stored first.
   */
  async keysFor(subjects: readonly string[], create: boolean): Promise<Map<string, Uint8Array>> {
    const wanted = [...new Set(subjects)];
    wanted.forEach((subject) => requireSubject(subject));
    const found = new Map<string, Uint8Array>();
    const uncached = wanted.filter((subject) => {
      const key = this.cached(subject);
      if (key) found.set(subject, key);
      return !key;
    });
    if (uncached.length === 0) return this.copies(found);
    this.unwrapInto(found, await this.select(uncached));
    const missing = uncached.filter((subject) => !found.has(subject));
    if (create && missing.length > 0) {
      await this.insert(missing);
      this.unwrapInto(found, await this.select(missing));
    }
    return this.copies(found);
  }

  private async select(subjects: string[]): Promise<SubjectKeyRow[]> {
    return (await this.db.query(
      'SELECT subject, kek_id, nonce, wrapped FROM keystore.subject_key WHERE subject = ANY($1::text[])',
      [subjects],
    )) as SubjectKeyRow[];
  }

  /** One statement for all; arrays rather than one bind parameter per value keep any batch under Postgres's limit. */
  private async insert(subjects: string[]): Promise<void> {
    const wrappedKeys = subjects.map((subject) =>
      wrapSubjectKey(this.kek, { department: this.department, subject }, newSubjectKey()),
    );
    await this.db.query(
      `INSERT INTO keystore.subject_key (subject, kek_id, nonce, wrapped)
       SELECT subject, $2, nonce, wrapped FROM unnest($1::text[], $3::bytea[], $4::bytea[]) AS k(subject, nonce, wrapped)
       ON CONFLICT (subject) DO NOTHING`,
      [
        subjects,
        this.kek.id,
        wrappedKeys.map((key) => Buffer.from(key.nonce)),
        wrappedKeys.map((key) => Buffer.from(key.wrapped)),
      ],
    );
  }

  private unwrapInto(found: Map<string, Uint8Array>, rows: SubjectKeyRow[]): void {
    for (const row of rows) {
      const stored: WrappedSubjectKey = { kekId: row.kek_id, nonce: row.nonce, wrapped: row.wrapped };
      const key = unwrapSubjectKey(this.kek, { department: this.department, subject: row.subject }, stored);
      found.set(row.subject, key);
      this.remember(row.subject, key);
    }
  }

  private cached(subject: string): Uint8Array | undefined {
    const key = this.cache.get(subject);
    if (key) {
      // A Map iterates in insertion order: re-inserting marks the key as the most recently used.
      this.cache.delete(subject);
      this.cache.set(subject, key);
    }
    return key;
  }

  private remember(subject: string, key: Uint8Array): void {
    if (this.cacheSize === 0) return;
    this.cache.delete(subject);
    this.cache.set(subject, key);
    while (this.cache.size > this.cacheSize) {
      this.cache.delete(this.cache.keys().next().value!);
    }
  }

  /** Callers get their own bytes: one that zeroes or alters a key must not alter the cache. */
  private copies(found: Map<string, Uint8Array>): Map<string, Uint8Array> {
    return new Map([...found].map(([subject, key]) => [subject, key.slice()]));
  }
}
