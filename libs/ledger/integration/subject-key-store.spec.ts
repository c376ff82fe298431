import { randomBytes } from 'node:crypto';

import { consumerMigrations } from '@registry-bus/bus';
import {
  createDataSource,
  ledgerMigrations,
  runMigrations,
  SubjectKeyStore,
  type KeyEncryptionKey,
} from '@registry-bus/ledger';
import type { DataSource } from 'typeorm';

import { departmentDatabase, ownerQuery } from './ledger-fixture.js';

const kek: KeyEncryptionKey = { id: 'kek-0123456789abcdef', key: new Uint8Array(randomBytes(32)) };

const hex = (key: Uint8Array | undefined) => (key ? Buffer.from(key).toString('hex') : undefined);
const hexes = (keys: Map<string, Uint8Array>) =>
  Object.fromEntries([...keys].map(([subject, key]) => [subject, hex(key)]));

/** Passes every statement on to the database and writes down its first word. */
function recording(db: DataSource): { db: DataSource; statements: string[] } {
  const statements: string[] = [];
  const recorder = {
    query: (sql: string, params?: unknown[]) => {
      statements.push(sql.trim().split(/\s+/)[0]!);
      return db.query(sql, params);
    },
  } as DataSource;
  return { db: recorder, statements };
}

describe('subject key store', () => {
  let ownerUrl: string;
  let writer: DataSource;

  beforeAll(async () => {
    ({ ownerUrl, writer } = await departmentDatabase('subject_keys'));
    await new SubjectKeyStore(writer, 'land', kek).keysFor(['CAD-1'], true);
  });

  afterAll(async () => {
    await writer.destroy();
  });

  it('creates the missing keys, then returns the same ones, from a new store with an empty cache too', async () => {
    const sut = new SubjectKeyStore(writer, 'land', kek);

    const created = await sut.keysFor(['NEW-1', 'NEW-2', 'NEW-1'], true);
    const again = await sut.keysFor(['NEW-2', 'NEW-1'], true);
    const fresh = await new SubjectKeyStore(writer, 'land', kek).keysFor(['NEW-1', 'NEW-2'], false);

    expect([...created.keys()].sort()).toEqual(['NEW-1', 'NEW-2']);
    expect(created.get('NEW-1')).toHaveLength(32);
    expect(hex(created.get('NEW-1'))).not.toBe(hex(created.get('NEW-2')));
    expect(hexes(again)).toEqual(hexes(created));
    expect(hexes(fresh)).toEqual(hexes(created));
  });

  it('returns no key for an unknown subject without create, and stores none', async () => {
    const sut = new SubjectKeyStore(writer, 'land', kek);

    const keys = await sut.keysFor(['UNKNOWN-1'], false);

    expect(keys.size).toBe(0);
    const { rows } = await ownerQuery(
      ownerUrl,
      `SELECT count(*) AS n FROM keystore.subject_key WHERE subject = 'UNKNOWN-1'`,
    );
    expect(rows[0].n).toBe('0');
  });

  it('returns the keys that exist and makes only the missing ones', async () => {
    const existing = await new SubjectKeyStore(writer, 'land', kek).keysFor(['MIX-1'], true);
    const sut = new SubjectKeyStore(writer, 'land', kek);

    const keys = await sut.keysFor(['MIX-1', 'MIX-2'], true);

    expect(hex(keys.get('MIX-1'))).toBe(hex(existing.get('MIX-1')));
    expect(keys.get('MIX-2')).toHaveLength(32);
  });

  it('reads many subjects in one SELECT, creates the missing in one INSERT, and answers from its cache after', async () => {
    const subjects = Array.from({ length: 2_000 }, (_, i) => `MANY-${i}`);
    const creating = recording(writer);
    const reading = recording(writer);

    const created = await new SubjectKeyStore(creating.db, 'land', kek).keysFor(subjects, true);
    const sut = new SubjectKeyStore(reading.db, 'land', kek);
    const read = await sut.keysFor(subjects, false);
    const cached = await sut.keysFor(subjects, false);

    expect(created.size).toBe(2_000);
    expect(creating.statements).toEqual(['SELECT', 'INSERT', 'SELECT']);
    expect(reading.statements).toEqual(['SELECT']);
    expect(hexes(read)).toEqual(hexes(created));
    expect(hexes(cached)).toEqual(hexes(created));
  });

  it('keeps only cacheSize keys, evicting the least recently used', async () => {
    const { db, statements } = recording(writer);
    const sut = new SubjectKeyStore(db, 'land', kek, { cacheSize: 2 });
    await sut.keysFor(['LRU-1', 'LRU-2'], true);
    await sut.keysFor(['LRU-1'], false);
    await sut.keysFor(['LRU-3'], true);
    statements.length = 0;

    await sut.keysFor(['LRU-1', 'LRU-3'], false);
    const cachedOnly = [...statements];
    await sut.keysFor(['LRU-2'], false);

    expect(cachedOnly).toEqual([]);
    expect(statements).toEqual(['SELECT']);
  });

  it('hands out copies: a caller zeroing its key does not change the next answer', async () => {
    const sut = new SubjectKeyStore(writer, 'land', kek);
    const first = await sut.keysFor(['COPY-1'], true);
    const original = hex(first.get('COPY-1'));

    first.get('COPY-1')!.fill(0);

    expect(hex((await sut.keysFor(['COPY-1'], false)).get('COPY-1'))).toBe(original);
  });

  it('gives two stores racing on a subject the same key and one row', async () => {
    const first = new SubjectKeyStore(writer, 'land', kek);
    const second = new SubjectKeyStore(writer, 'land', kek);

    const [a, b] = await Promise.all([first.keysFor(['RACE-1'], true), second.keysFor(['RACE-1'], true)]);

    expect(a.get('RACE-1')).toHaveLength(32);
    expect(hex(b.get('RACE-1'))).toBe(hex(a.get('RACE-1')));
    const { rows } = await ownerQuery(
      ownerUrl,
      `SELECT count(*) AS n FROM keystore.subject_key WHERE subject = 'RACE-1'`,
    );
    expect(rows[0].n).toBe('1');
  });

  it('stores the key wrapped: the row names the KEK and its bytes do not contain the key', async () => {
    const keys = await new SubjectKeyStore(writer, 'land', kek).keysFor(['WRAP-1'], true);

    const { rows } = await ownerQuery(
      ownerUrl,
      `SELECT kek_id, octet_length(nonce) AS nonce, wrapped FROM keystore.subject_key WHERE subject = 'WRAP-1'`,
    );

    expect(rows).toHaveLength(1);
    expect(rows[0].kek_id).toBe('kek-0123456789abcdef');
    expect(rows[0].nonce).toBe(12);
    expect(rows[0].wrapped).toHaveLength(48);
    expect((rows[0].wrapped as Buffer).includes(Buffer.from(keys.get('WRAP-1')!))).toBe(false);
  });

  it.each([
    ['UPDATE', `UPDATE keystore.subject_key SET kek_id = 'kek-forged' WHERE subject = 'CAD-1'`],
    ['DELETE', `DELETE FROM keystore.subject_key WHERE subject = 'CAD-1'`],
    ['TRUNCATE', `TRUNCATE keystore.subject_key`],
  ])('denies the writer role %s (42501)', async (_operation, sql) => {
    await expect(writer.query(sql)).rejects.toMatchObject({
      code: '42501',
      message: 'permission denied for table subject_key',
    });
    const { rows } = await ownerQuery(ownerUrl, `SELECT kek_id FROM keystore.subject_key WHERE subject = 'CAD-1'`);
    expect(rows).toEqual([{ kek_id: 'kek-0123456789abcdef' }]);
  });

  it.each([
    ['UPDATE', `UPDATE keystore.subject_key SET kek_id = 'kek-forged' WHERE subject = 'CAD-1'`],
    ['UPDATE', `UPDATE keystore.subject_key SET kek_id = 'kek-forged' WHERE false`],
    ['TRUNCATE', `TRUNCATE keystore.subject_key`],
  ])('refuses %s even for the owner: %s', async (operation, sql) => {
    await expect(ownerQuery(ownerUrl, sql)).rejects.toMatchObject({
      code: '42501',
      message: `keystore table subject_key is never rewritten: ${operation} refused`,
    });
    const { rows } = await ownerQuery(ownerUrl, `SELECT kek_id FROM keystore.subject_key WHERE subject = 'CAD-1'`);
    expect(rows).toEqual([{ kek_id: 'kek-0123456789abcdef' }]);
  });

  it('refuses, naming the subject, to open keys with another KEK', async () => {
    const otherId = new SubjectKeyStore(writer, 'land', { id: 'kek-ffffffffffffffff', key: kek.key });
    const otherKey = new SubjectKeyStore(writer, 'land', { id: kek.id, key: new Uint8Array(randomBytes(32)) });

    await expect(otherId.keysFor(['CAD-1'], true)).rejects.toThrow(
      new Error(
        "the subject key of 'CAD-1' in land is wrapped under key-encryption key kek-0123456789abcdef, " +
          'this app holds kek-ffffffffffffffff',
      ),
    );
    await expect(otherKey.keysFor(['CAD-1'], false)).rejects.toThrow(
      new Error(
        "the subject key of 'CAD-1' in land does not open under key-encryption key kek-0123456789abcdef: " +
          'it was wrapped for another department or subject, under another key, or altered',
      ),
    );
  });

  it("refuses another department's store the keys of this one", async () => {
    const sut = new SubjectKeyStore(writer, 'civil', kek);

    await expect(sut.keysFor(['CAD-1'], false)).rejects.toThrow(
      "the subject key of 'CAD-1' in civil does not open under key-encryption key kek-0123456789abcdef",
    );
  });

  it.each([
    ['an empty subject', '', 'subject "" refused: a subject is 1 to 200 characters of text, without NUL'],
    [
      'a 201-character subject',
      'y'.repeat(201),
      `subject "${'y'.repeat(201)}" refused: a subject is 1 to 200 characters of text, without NUL`,
    ],
  ])('refuses %s before asking the database', async (_scenario, subject, message) => {
    const { db, statements } = recording(writer);
    const sut = new SubjectKeyStore(db, 'land', kek);

    await expect(sut.keysFor(['OK-1', subject], true)).rejects.toThrow(new Error(message));
    expect(statements).toEqual([]);
  });
});

describe('subject keys through a restore of schema public', () => {
  let ownerUrl: string;
  let writer: DataSource;

  beforeAll(async () => {
    ({ ownerUrl, writer } = await departmentDatabase('keystore_restore'));
  });

  afterAll(async () => {
    await writer.destroy();
  });

  it('keeps the keys when the owner drops and recreates public, and the migrations run again over them', async () => {
    const before = await new SubjectKeyStore(writer, 'land', kek).keysFor(['CAD-1'], true);

    await ownerQuery(ownerUrl, 'DROP SCHEMA public CASCADE');
    await ownerQuery(ownerUrl, 'CREATE SCHEMA public');
    const { rows } = await ownerQuery(ownerUrl, `SELECT subject FROM keystore.subject_key`);
    const applied = await runMigrations(ownerUrl, [...ledgerMigrations, ...consumerMigrations]);
    const after = await new SubjectKeyStore(writer, 'land', kek).keysFor(['CAD-1'], false);

    expect(rows).toEqual([{ subject: 'CAD-1' }]);
    expect(applied).toHaveLength(ledgerMigrations.length + consumerMigrations.length);
    expect(hex(after.get('CAD-1'))).toBe(hex(before.get('CAD-1')));
    await expect(ownerQuery(ownerUrl, `TRUNCATE keystore.subject_key`)).rejects.toMatchObject({ code: '42501' });
  });
});

describe('reverting the subject-keys migration', () => {
  let ownerUrl: string;
  let writer: DataSource;
  let owner: DataSource;
  const sut = new (ledgerMigrations.at(-1)!)();

  beforeAll(async () => {
    ({ ownerUrl, writer } = await departmentDatabase('keystore_down'));
    owner = createDataSource({ url: ownerUrl, poolSize: 1 });
    await owner.initialize();
  });

  afterAll(async () => {
    await owner.destroy();
    await writer.destroy();
  });

  it('is refused while a subject key exists: it would make every encrypted field unreadable', async () => {
    await new SubjectKeyStore(writer, 'land', kek).keysFor(['CAD-1'], true);
    const runner = owner.createQueryRunner();
    try {
      await expect(sut.down(runner)).rejects.toThrow(
        'keystore.subject_key holds subject keys: dropping it would make every encrypted field unreadable',
      );
    } finally {
      await runner.release();
    }
    const { rows } = await ownerQuery(ownerUrl, 'SELECT subject FROM keystore.subject_key');
    expect(rows).toEqual([{ subject: 'CAD-1' }]);
  });

  it('drops the schema once it is empty, and up makes it again', async () => {
    await ownerQuery(ownerUrl, 'DELETE FROM keystore.subject_key');
    const runner = owner.createQueryRunner();
    try {
      await sut.down(runner);
      const { rows: dropped } = await ownerQuery(ownerUrl, `SELECT 1 FROM pg_namespace WHERE nspname = 'keystore'`);
      await sut.up(runner);
      expect(dropped).toEqual([]);
    } finally {
      await runner.release();
    }
    const keys = await new SubjectKeyStore(writer, 'land', kek).keysFor(['CAD-2'], true);
    expect(keys.get('CAD-2')).toHaveLength(32);
  });
});
