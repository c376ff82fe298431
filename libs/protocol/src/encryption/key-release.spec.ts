import { Aes128Gcm, Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';

import { canonicalBytes } from '../canonical/canonicalize.js';
import { concatBytes, fromHex, toBase64Url, toHex, utf8 } from '../encoding/bytes.js';
import { ProtocolError } from '../errors/protocol-error.js';
import { fromBase64UrlStrict } from './encoding.js';
import { encryptionPublicKeyOf, generateEncryptionKeyPair, type EncryptionPublicKey } from './encryption-key.js';
import { deriveFieldKey, newSubjectKey } from './field-key.js';
import {
  KEY_RELEASE_ALG,
  keyReleaseInfo,
  openKeyRelease,
  sealKeyRelease,
  type KeyRelease,
  type KeyReleaseScope,
} from './key-release.js';

/** RFC 9180 Appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, Base mode. */
const A1 = {
  info: '4f6465206f6e2061204772656369616e2055726e',
  ikmE: '7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234',
  pkEm: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  skEm: '52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736',
  ikmR: '6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037',
  pkRm: '3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d',
  skRm: '4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8',
  enc: '37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431',
  pt: '4265617574792069732074727574682c20747275746820626561757479',
  encryptions: [
    {
      aad: '436f756e742d30',
      ct: 'f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a',
    },
    {
      aad: '436f756e742d31',
      ct: 'af2d7e9ac9ae7e270f46ba1f975be53c09f8d875bdc8535458c2494e8a6eab251c03d0c22a56b8ca42c2063b84',
    },
    {
      aad: '436f756e742d32',
      ct: '498dfcabd92e8acedc281e85af1cb4e3e31c7dc394a1ca20e173cb72516491588d96a19ad4a683518973dcc180',
    },
  ],
  exports: [
    { context: '', value: '3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee' },
    { context: '00', value: '2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5' },
    { context: '54657374436f6e74657874', value: 'e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931' },
  ],
};

describe('HPKE (@hpke/core) against RFC 9180 Appendix A.1.1', () => {
  const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes128Gcm() });

  it('derives both published key pairs, and our X25519 gives the same public key', async () => {
    for (const [ikm, sk, pk] of [
      [A1.ikmE, A1.skEm, A1.pkEm],
      [A1.ikmR, A1.skRm, A1.pkRm],
    ] as const) {
      const pair = await suite.kem.deriveKeyPair(fromHex(ikm));
      expect(toHex(new Uint8Array(await suite.kem.serializePrivateKey(pair.privateKey)))).toBe(sk);
      expect(toHex(new Uint8Array(await suite.kem.serializePublicKey(pair.publicKey)))).toBe(pk);
      expect(toHex(encryptionPublicKeyOf(fromHex(sk)))).toBe(pk);
    }
  });

  it('seals the published ciphertexts from the published ephemeral key', async () => {
    const sender = await suite.createSenderContext({
      recipientPublicKey: await suite.kem.deserializePublicKey(fromHex(A1.pkRm)),
      info: fromHex(A1.info),
      ekm: fromHex(A1.ikmE),
    });
    expect(toHex(new Uint8Array(sender.enc))).toBe(A1.enc);
    for (const { aad, ct } of A1.encryptions) {
      expect(toHex(new Uint8Array(await sender.seal(fromHex(A1.pt), fromHex(aad))))).toBe(ct);
    }
  });

  it('opens the published ciphertexts with the published recipient private key, and exports the published secrets', async () => {
    const recipient = await suite.createRecipientContext({
      recipientKey: await suite.kem.deserializePrivateKey(fromHex(A1.skRm)),
      enc: fromHex(A1.enc),
      info: fromHex(A1.info),
    });
    for (const { aad, ct } of A1.encryptions) {
      expect(toHex(new Uint8Array(await recipient.open(fromHex(ct), fromHex(aad))))).toBe(A1.pt);
    }
    for (const { context, value } of A1.exports) {
      expect(toHex(new Uint8Array(await recipient.export(fromHex(context), 32)))).toBe(value);
    }
  });
});

const GRANTEE = generateEncryptionKeyPair();
const RECIPIENT: EncryptionPublicKey = { keyId: 'credit-x25519-1', alg: 'X25519', publicKey: GRANTEE.publicKey };
const OPENER = { grantee: 'credit', keyId: 'credit-x25519-1', privateKey: GRANTEE.privateKey };
const SCOPE: KeyReleaseScope = { grantee: 'credit', chain: 'land', fromSeq: 10, toSeq: 12 };
const subjectKey = newSubjectKey();
const key = (seq: number, field: string | string[]) =>
  deriveFieldKey(subjectKey, { chain: 'land', seq, type: 'gov.land.parcel.registered.v1', field });
const KEYS = [
  { seq: 10, field: 'cadastralNumber', key: key(10, 'cadastralNumber') },
  { seq: 10, field: 'landUse', key: key(10, 'landUse') },
  { seq: 12, field: ['owners', '1'], key: key(12, ['owners', '1']) },
];

async function refusal(act: () => Promise<unknown>): Promise<string> {
  try {
    await act();
  } catch (error) {
    if (error instanceof ProtocolError) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

function flipBit(text: string, byte: number): string {
  const bytes = fromBase64UrlStrict(text)!;
  bytes[byte] ^= 0x80;
  return toBase64Url(bytes);
}

const DECRYPTION_FAILED =
  'PROTOCOL.DECRYPTION_FAILED: release: the release does not open: another private key, another grantee, chain or range, or changed bytes';

describe('key release (HPKE Base, X25519, HKDF-SHA256, AES-256-GCM)', () => {
  let release: KeyRelease;
  beforeAll(async () => {
    release = await sealKeyRelease(SCOPE, RECIPIENT, KEYS);
  });

  it('gives the grantee exactly the keys released, in order', async () => {
    const opened = await openKeyRelease(release, OPENER);
    expect(opened).toEqual({
      grantee: 'credit',
      chain: 'land',
      fromSeq: 10,
      toSeq: 12,
      keys: [
        { seq: 10, field: ['cadastralNumber'], key: KEYS[0]!.key },
        { seq: 10, field: ['landUse'], key: KEYS[1]!.key },
        { seq: 12, field: ['owners', '1'], key: KEYS[2]!.key },
      ],
    });
  });

  it('writes the v1 wire format, with the scope in clear and nothing of the keys or fields', () => {
    expect(release).toMatchObject({
      v: 1,
      alg: KEY_RELEASE_ALG,
      kid: 'credit-x25519-1',
      grantee: 'credit',
      chain: 'land',
      from: '10',
      to: '12',
    });
    expect(fromBase64UrlStrict(release.enc)!.length).toBe(32);
    const text = JSON.stringify(release);
    for (const { key: bytes } of KEYS) expect(text.includes(toBase64Url(bytes))).toBe(false);
    for (const field of ['cadastralNumber', 'landUse', 'owners']) expect(text.includes(field)).toBe(false);
  });

  it('writes the HPKE info as docs/PROTOCOL.md states it, byte for byte', () => {
    const lp = (bytes: Uint8Array) => concatBytes(new Uint8Array([0, 0, 0, bytes.length]), bytes);
    expect(toHex(keyReleaseInfo(SCOPE))).toBe(
      toHex(
        concatBytes(
          lp(utf8('registry-bus/key-release/v1')),
          lp(utf8('credit')),
          lp(utf8('land')),
          lp(fromHex('000000000000000a')),
          lp(fromHex('000000000000000c')),
        ),
      ),
    );
  });

  it('is opened by a plain HPKE recipient given that info (the format is HPKE, nothing of ours inside)', async () => {
    const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
    const plaintext = await suite.open(
      {
        recipientKey: await suite.kem.deserializePrivateKey(GRANTEE.privateKey),
        enc: fromBase64UrlStrict(release.enc)!,
        info: keyReleaseInfo(SCOPE),
      },
      fromBase64UrlStrict(release.ct)!,
    );
    expect(new TextDecoder().decode(plaintext)).toBe(
      `{"keys":[{"field":["cadastralNumber"],"key":"${toBase64Url(KEYS[0]!.key)}","seq":"10"},` +
        `{"field":["landUse"],"key":"${toBase64Url(KEYS[1]!.key)}","seq":"10"},` +
        `{"field":["owners","1"],"key":"${toBase64Url(KEYS[2]!.key)}","seq":"12"}]}`,
    );
  });

  describe('refuses, with DECRYPTION_FAILED', () => {
    const cases: Array<[string, () => [unknown, typeof OPENER]]> = [
      ['a bit of the ciphertext flipped', () => [{ ...release, ct: flipBit(release.ct, 3) }, OPENER]],
      [
        'a bit of the tag flipped',
        () => [{ ...release, ct: flipBit(release.ct, fromBase64UrlStrict(release.ct)!.length - 1) }, OPENER],
      ],
      ['a bit of the encapsulated key flipped', () => [{ ...release, enc: flipBit(release.enc, 0) }, OPENER]],
      [
        'the ciphertext truncated by one byte',
        () => [{ ...release, ct: toBase64Url(fromBase64UrlStrict(release.ct)!.subarray(0, -1)) }, OPENER],
      ],
      ['another chain in the info', () => [{ ...release, chain: 'land/1' }, OPENER]],
      ['another start of the range', () => [{ ...release, from: '9' }, OPENER]],
      ['another end of the range', () => [{ ...release, to: '13' }, OPENER]],
      [
        'another grantee in the info (relabelled, opened by a holder of the key expecting that grantee)',
        () => [
          { ...release, grantee: 'bond' },
          { ...OPENER, grantee: 'bond' },
        ],
      ],
      ['another private key', () => [release, { ...OPENER, privateKey: generateEncryptionKeyPair().privateKey }]],
    ];
    it.each(cases)('%s', async (_name, make) => {
      const [box, opener] = make();
      expect(await refusal(() => openKeyRelease(box, opener))).toBe(DECRYPTION_FAILED);
    });
  });

  describe('refuses before decrypting', () => {
    it('a release for another grantee (BAD_CIPHERTEXT)', async () => {
      expect(await refusal(() => openKeyRelease(release, { ...OPENER, grantee: 'bond' }))).toBe(
        "PROTOCOL.BAD_CIPHERTEXT: release.grantee: the release is for 'credit', not 'bond'",
      );
    });

    it('a release sealed to another key id (UNKNOWN_KEY)', async () => {
      expect(await refusal(() => openKeyRelease(release, { ...OPENER, keyId: 'credit-x25519-2' }))).toBe(
        "PROTOCOL.UNKNOWN_KEY: release.kid: the release is sealed to key 'credit-x25519-1', not 'credit-x25519-2'",
      );
    });

    it.each([
      ['version 2', () => ({ ...release, v: 2 }), 'release.v: format version 2 is not 1'],
      [
        'another suite',
        () => ({ ...release, alg: 'HPKE-Base-P256-SHA256-A128GCM' }),
        `release.alg: algorithm "HPKE-Base-P256-SHA256-A128GCM" is not ${KEY_RELEASE_ALG}`,
      ],
      ['an unknown member', () => ({ ...release, aad: '' }), "release: unknown member 'aad'"],
      [
        'a 31-byte encapsulated key',
        () => ({ ...release, enc: toBase64Url(new Uint8Array(31)) }),
        'release.enc: must be 32 bytes in base64url without padding',
      ],
      [
        'a ciphertext shorter than the tag',
        () => ({ ...release, ct: toBase64Url(new Uint8Array(15)) }),
        'release.ct: is shorter than the 16-byte tag: truncated',
      ],
      [
        'a range that ends before it begins',
        () => ({ ...release, from: '13' }),
        'release.to: the range ends before it begins',
      ],
      ['a seq with a leading zero', () => ({ ...release, from: '010' }), 'release.from: must be a decimal seq'],
      [
        'a chain that is not one',
        () => ({ ...release, chain: 'a|b' }),
        "release.chain: 'a|b' is not a chain id (<dept> or <dept>/<shard>)",
      ],
    ] as Array<[string, () => unknown, string]>)('%s (BAD_CIPHERTEXT)', async (_name, make, reason) => {
      expect(await refusal(() => openKeyRelease(make(), OPENER))).toBe(`PROTOCOL.BAD_CIPHERTEXT: ${reason}`);
    });
  });

  it('refuses an opened key list that breaks the rules (a forged release with a key outside its range)', async () => {
    const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });
    const forged = canonicalBytes({ keys: [{ field: ['owner'], key: toBase64Url(KEYS[0]!.key), seq: '99' }] });
    const { ct, enc } = await suite.seal(
      { recipientPublicKey: await suite.kem.deserializePublicKey(GRANTEE.publicKey), info: keyReleaseInfo(SCOPE) },
      forged,
    );
    const box = { ...release, enc: toBase64Url(new Uint8Array(enc)), ct: toBase64Url(new Uint8Array(ct)) };
    expect(await refusal(() => openKeyRelease(box, OPENER))).toBe(
      'PROTOCOL.BAD_CIPHERTEXT: release.keys: seq 99 is outside 10–12',
    );
  });

  describe('refuses to seal', () => {
    it('a key of an entry outside the range', async () => {
      expect(
        await refusal(() => sealKeyRelease(SCOPE, RECIPIENT, [{ seq: 13, field: 'owner', key: key(13, 'owner') }])),
      ).toBe('PROTOCOL.BAD_ATTRIBUTE: keys.seq: seq 13 is outside 10–12');
    });

    it('the same field of the same entry twice', async () => {
      expect(
        await refusal(() => sealKeyRelease(SCOPE, RECIPIENT, [KEYS[0]!, { ...KEYS[0]!, field: ['cadastralNumber'] }])),
      ).toBe('PROTOCOL.BAD_ATTRIBUTE: keys: seq 10 field cadastralNumber twice');
    });

    it('a field key that is not 32 bytes', async () => {
      expect(
        await refusal(() => sealKeyRelease(SCOPE, RECIPIENT, [{ seq: 10, field: 'x', key: new Uint8Array(16) }])),
      ).toBe('PROTOCOL.BAD_ENCRYPTION_KEY: keys.key: a field key is 32 bytes');
    });

    it('to a grantee that is not a department id', async () => {
      expect(await refusal(() => sealKeyRelease({ ...SCOPE, grantee: 'Credit' }, RECIPIENT, KEYS))).toBe(
        "PROTOCOL.BAD_ATTRIBUTE: grantee: 'Credit' is not a department id",
      );
    });

    it('to a public key of small order (every shared secret is known)', async () => {
      expect(await refusal(() => sealKeyRelease(SCOPE, { ...RECIPIENT, publicKey: new Uint8Array(32) }, KEYS))).toBe(
        'PROTOCOL.BAD_ENCRYPTION_KEY: recipient.publicKey: a point of small order: every shared secret with it is known',
      );
    });
  });
});
