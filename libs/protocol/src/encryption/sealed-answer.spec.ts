import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { encryptionKeyId, generateEncryptionKeyPair } from './encryption-key.js';
import { openAnswer, sealAnswer } from './sealed-answer.js';

const asker = generateEncryptionKeyPair();
const keyId = encryptionKeyId('credit', asker.publicKey);
const recipient = { keyId, alg: 'X25519' as const, publicKey: asker.publicKey };
const scope = { asker: 'credit', answerer: 'land', requestId: '5f0c3a52-1d1b-4c39-9e54-6a7b1b0c2d3e' };
const answer = { cadastralNumber: 'CAD-77-001', owners: [{ ownerId: 'person:0142', share: '1' }] };

describe('a query answer sealed to the asker (issue #28: no plaintext on the reply topic)', () => {
  it('opens for the asker with its private key, and carries nothing of the answer in clear', async () => {
    const sealed = await sealAnswer(scope, recipient, answer);
    expect(Object.keys(sealed).sort()).toEqual(['alg', 'ct', 'enc', 'kid', 'v']);
    expect(JSON.stringify(sealed)).not.toContain('person:0142');
    expect(JSON.stringify(sealed)).not.toContain('CAD-77-001');
    expect(await openAnswer(sealed, scope, { keyId, privateKey: asker.privateKey })).toEqual(answer);
  });

  it.each([
    ['another asker', { ...scope, asker: 'court' }],
    ['another answerer', { ...scope, answerer: 'bond' }],
    ['another request', { ...scope, requestId: 'a-replayed-request' }],
  ])('does not open as %s', async (_what, other) => {
    const sealed = await sealAnswer(scope, recipient, answer);
    await expect(openAnswer(sealed, other, { keyId, privateKey: asker.privateKey })).rejects.toMatchObject({
      code: ProtocolErrorCode.DECRYPTION_FAILED,
    });
  });

  it('refuses another private key, another key id and a changed byte', async () => {
    const sealed = await sealAnswer(scope, recipient, answer);
    const stranger = generateEncryptionKeyPair();
    await expect(openAnswer(sealed, scope, { keyId, privateKey: stranger.privateKey })).rejects.toMatchObject({
      code: ProtocolErrorCode.DECRYPTION_FAILED,
    });
    await expect(
      openAnswer(sealed, scope, { keyId: 'credit-x25519-000000000000', privateKey: asker.privateKey }),
    ).rejects.toMatchObject({
      code: ProtocolErrorCode.UNKNOWN_KEY,
      attribute: 'answer.kid',
    });
    const flipped = { ...sealed, ct: `${sealed.ct.slice(0, -2)}${sealed.ct.endsWith('A') ? 'Bw' : 'Aw'}` };
    await expect(openAnswer(flipped, scope, { keyId, privateKey: asker.privateKey })).rejects.toMatchObject({
      code: expect.stringMatching(/^PROTOCOL\.(DECRYPTION_FAILED|BAD_CIPHERTEXT)$/),
    });
    await expect(openAnswer({ ...sealed, extra: 1 }, scope, { keyId, privateKey: asker.privateKey })).rejects.toThrow(
      "unknown member 'extra'",
    );
  });
});
