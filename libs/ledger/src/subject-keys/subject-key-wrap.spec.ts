import { randomBytes } from 'node:crypto';

import { newSubjectKey } from '@registry-bus/protocol';

import {
  subjectKeyAssociatedData,
  unwrapSubjectKey,
  wrapSubjectKey,
  type KeyEncryptionKey,
  type SubjectKeyOwner,
  type WrappedSubjectKey,
} from './subject-key-wrap.js';

const kek: KeyEncryptionKey = { id: 'kek-00112233445566aa', key: new Uint8Array(randomBytes(32)) };
const owner: SubjectKeyOwner = { department: 'land', subject: 'CAD-1' };
const subjectKey = newSubjectKey();

function flipped(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= 0x01;
  return copy;
}

const refusedAuthentication = (at: SubjectKeyOwner, kekId = kek.id) =>
  `the subject key of '${at.subject}' in ${at.department} does not open under key-encryption key ${kekId}: ` +
  'it was wrapped for another department or subject, under another key, or altered';

describe('wrapSubjectKey / unwrapSubjectKey', () => {
  it('round-trips a subject key', () => {
    const wrapped = wrapSubjectKey(kek, owner, subjectKey);

    const sut = unwrapSubjectKey(kek, owner, wrapped);

    expect(Buffer.from(sut).toString('hex')).toBe(Buffer.from(subjectKey).toString('hex'));
  });

  it('stores the KEK id, a 12-byte nonce and 48 wrapped bytes that do not contain the key', () => {
    const sut = wrapSubjectKey(kek, owner, subjectKey);

    expect(sut.kekId).toBe('kek-00112233445566aa');
    expect(sut.nonce).toHaveLength(12);
    expect(sut.wrapped).toHaveLength(48);
    expect(Buffer.from(sut.wrapped).includes(Buffer.from(subjectKey))).toBe(false);
  });

  it('draws a fresh nonce for every wrap', () => {
    const first = wrapSubjectKey(kek, owner, subjectKey);

    const sut = wrapSubjectKey(kek, owner, subjectKey);

    expect(Buffer.from(sut.nonce).equals(Buffer.from(first.nonce))).toBe(false);
    expect(Buffer.from(sut.wrapped).equals(Buffer.from(first.wrapped))).toBe(false);
  });

  it('binds lp(domain) ‖ lp(department) ‖ lp(subject) as associated data', () => {
    const sut = subjectKeyAssociatedData(owner);

    expect(Buffer.from(sut).toString('hex')).toBe(
      '0000001b' +
        Buffer.from('registry-bus/subject-key/v1').toString('hex') +
        '00000004' +
        Buffer.from('land').toString('hex') +
        '00000005' +
        Buffer.from('CAD-1').toString('hex'),
    );
  });

  it('is plain AES-256-GCM (ciphertext ‖ tag): WebCrypto opens it with the same associated data', async () => {
    const wrapped = wrapSubjectKey(kek, owner, subjectKey);
    const key = await globalThis.crypto.subtle.importKey('raw', kek.key as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [
      'decrypt',
    ]);

    const sut = await globalThis.crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: wrapped.nonce as Uint8Array<ArrayBuffer>,
        additionalData: subjectKeyAssociatedData(owner) as Uint8Array<ArrayBuffer>,
        tagLength: 128,
      },
      key,
      wrapped.wrapped as Uint8Array<ArrayBuffer>,
    );

    expect(Buffer.from(sut).toString('hex')).toBe(Buffer.from(subjectKey).toString('hex'));
  });

  describe('refuses, naming the subject', () => {
    const wrapped = wrapSubjectKey(kek, owner, subjectKey);
    const otherKek: KeyEncryptionKey = { id: kek.id, key: new Uint8Array(randomBytes(32)) };

    it.each<[string, KeyEncryptionKey, SubjectKeyOwner, WrappedSubjectKey, string]>([
      [
        'another department',
        kek,
        { department: 'civil', subject: 'CAD-1' },
        wrapped,
        refusedAuthentication({ department: 'civil', subject: 'CAD-1' }),
      ],
      [
        'another subject',
        kek,
        { department: 'land', subject: 'CAD-2' },
        wrapped,
        refusedAuthentication({ department: 'land', subject: 'CAD-2' }),
      ],
      ['another KEK under the same id', otherKek, owner, wrapped, refusedAuthentication(owner)],
      [
        'a KEK id that is not the one it was wrapped under',
        kek,
        owner,
        { ...wrapped, kekId: 'kek-ffffffffffffffff' },
        "the subject key of 'CAD-1' in land is wrapped under key-encryption key kek-ffffffffffffffff, " +
          'this app holds kek-00112233445566aa',
      ],
      [
        'a flipped nonce bit',
        kek,
        owner,
        { ...wrapped, nonce: flipped(wrapped.nonce, 11) },
        refusedAuthentication(owner),
      ],
      [
        'a flipped ciphertext bit',
        kek,
        owner,
        { ...wrapped, wrapped: flipped(wrapped.wrapped, 0) },
        refusedAuthentication(owner),
      ],
      [
        'a flipped tag bit',
        kek,
        owner,
        { ...wrapped, wrapped: flipped(wrapped.wrapped, 47) },
        refusedAuthentication(owner),
      ],
      [
        'a short nonce',
        kek,
        owner,
        { ...wrapped, nonce: wrapped.nonce.subarray(0, 11) },
        "the subject key of 'CAD-1' in land is damaged: its nonce is not 12 bytes",
      ],
      [
        'a truncated wrap',
        kek,
        owner,
        { ...wrapped, wrapped: wrapped.wrapped.subarray(0, 47) },
        "the subject key of 'CAD-1' in land is damaged: it is not 48 wrapped bytes",
      ],
    ])('%s', (_scenario, withKek, at, stored, message) => {
      expect(() => unwrapSubjectKey(withKek, at, stored)).toThrow(new Error(message));
    });
  });

  describe('validates lengths', () => {
    it.each([
      [
        'a 16-byte KEK',
        { id: kek.id, key: new Uint8Array(16) },
        owner,
        subjectKey,
        'key-encryption key kek-00112233445566aa refused: a key-encryption key is 32 bytes',
      ],
      [
        'a 31-byte subject key',
        kek,
        owner,
        new Uint8Array(31),
        "the subject key of 'CAD-1' refused: a subject key is 32 bytes",
      ],
      [
        'an empty subject',
        kek,
        { department: 'land', subject: '' },
        subjectKey,
        'subject "" refused: a subject is 1 to 200 characters of text, without NUL',
      ],
      [
        'a 201-character subject',
        kek,
        { department: 'land', subject: 'x'.repeat(201) },
        subjectKey,
        `subject "${'x'.repeat(201)}" refused: a subject is 1 to 200 characters of text, without NUL`,
      ],
      [
        'a lone surrogate',
        kek,
        { department: 'land', subject: 'CAD-\ud800' },
        subjectKey,
        'subject "CAD-\\ud800" refused: a subject is 1 to 200 characters of text, without NUL',
      ],
      [
        'a NUL',
        kek,
        { department: 'land', subject: 'CAD-\u00001' },
        subjectKey,
        'subject "CAD-\\u00001" refused: a subject is 1 to 200 characters of text, without NUL',
      ],
      [
        'no department',
        kek,
        { department: '', subject: 'CAD-1' },
        subjectKey,
        'a subject key belongs to a department: the department is missing',
      ],
    ])('refuses %s', (_scenario, withKek, at, key, message) => {
      expect(() => wrapSubjectKey(withKek, at, key)).toThrow(new Error(message));
    });

    it('accepts a 200-character subject', () => {
      const at = { department: 'land', subject: 'x'.repeat(200) };

      const sut = unwrapSubjectKey(kek, at, wrapSubjectKey(kek, at, subjectKey));

      expect(sut).toHaveLength(32);
    });
  });
});
