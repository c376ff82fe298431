import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { fromBase64UrlStrict, parseStrictJson, readOwnerOnlyFile, toBase64Url } from '@registry-bus/protocol';

import { KEK_BYTES, type KeyEncryptionKey } from './subject-key-wrap.js';

export const DATA_KEK_FILE = 'data-kek.json';

const KEK_ID_PATTERN = /^kek-[0-9a-f]{16}$/;

/** `<keysDir>/data-kek.json`, version 1. */
interface StoredDataKek {
  v: 1;
  id: string;
  /** 32 bytes, base64url without padding. */
  key: string;
}

/**
 * The department's data KEK, from `<keysDir>/data-kek.json`, made on first
 * use. The KEK is what a department backs up and escrows (later it lives in
 * an HSM and this file goes): the keystore in Postgres holds subject keys
 * only wrapped under it, so losing the KEK loses every encrypted field, and
 * whoever holds a copy of it and of the database reads them all.
 *
 * Two app instances starting together must end with one KEK, or each would
 * wrap keys the other cannot open. So the file is written whole under a name
 * of its own (flag 'wx', mode 0600) and then hard-linked to data-kek.json,
 * which fails with EEXIST if another process got there first; that one's
 * file is read instead. A reader thus never sees a half-written file.
 *
 * Refused, naming the file: a file group or others may read or write, a
 * malformed one, a key of the wrong length.
 */
export function loadOrCreateDataKek(keysDir: string): KeyEncryptionKey {
  const file = join(keysDir, DATA_KEK_FILE);
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  try {
    return readDataKek(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  createDataKek(keysDir, file);
  return readDataKek(file);
}

function createDataKek(keysDir: string, file: string): void {
  const stored: StoredDataKek = {
    v: 1,
    id: `kek-${randomBytes(8).toString('hex')}`,
    key: toBase64Url(new Uint8Array(randomBytes(KEK_BYTES))),
  };
  const draft = join(keysDir, `.${DATA_KEK_FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
  const fd = openSync(draft, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(stored)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(draft, file);
    syncDirectory(keysDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
}

/** The link is durable only once its directory is: a KEK that wrapped keys must not vanish in a crash. */
function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function readDataKek(file: string): KeyEncryptionKey {
  const text = readOwnerOnlyFile(file);
  const refuse = (reason: string): never => {
    throw new Error(`${file} is not a data KEK file: ${reason}`);
  };
  let value: unknown;
  try {
    value = parseStrictJson(text, file);
  } catch (error) {
    return refuse(error instanceof Error ? error.message : String(error));
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse('not a JSON object');
  const { v, id, key } = value as Partial<StoredDataKek>;
  if (v !== 1) refuse(`version ${JSON.stringify(v)}, expected 1`);
  if (typeof id !== 'string' || !KEK_ID_PATTERN.test(id)) refuse(`id ${JSON.stringify(id)} is not kek-<16 hex>`);
  const bytes = fromBase64UrlStrict(key);
  if (!bytes) return refuse('key is not base64url without padding');
  if (bytes.length !== KEK_BYTES) refuse(`its key is ${bytes.length} bytes, a data KEK is ${KEK_BYTES}`);
  return { id: id!, key: bytes };
}
