import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { testSigner, testTrustBundle } from '../fixtures/test-department.js';
import { SignatureDomain } from '../signing/domains.js';
import { verifyEd25519 } from '../signing/ed25519.js';
import { signMessage, verifyMessage } from './signed-message.js';

const credit = testSigner('credit');
const land = testSigner('land');
const bundle = testTrustBundle({ credit: [credit], land: [land] });
const question = { id: 'q-1', from: 'credit', to: 'land', query: 'parcel', params: { cadastralNumber: 'CAD-1' } };

describe('signed queries and replies', () => {
  it('verifies what the department signed', async () => {
    const signed = await signMessage(SignatureDomain.QUERY, question, 'credit', credit);
    expect(verifyMessage(SignatureDomain.QUERY, signed, bundle, verifyEd25519)).toEqual(question);
  });

  it('refuses a changed message, another domain, and a key of another department', async () => {
    const signed = await signMessage(SignatureDomain.QUERY, question, 'credit', credit);
    const changed = { ...signed, message: { ...question, params: { cadastralNumber: 'CAD-2' } } };
    expect(() => verifyMessage(SignatureDomain.QUERY, changed, bundle, verifyEd25519)).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.BAD_SIGNATURE }) as Error,
    );
    // A query signature is not a reply signature.
    expect(() => verifyMessage(SignatureDomain.QUERY_REPLY, signed, bundle, verifyEd25519)).toThrow(/does not verify/);
    // land's key claimed for credit.
    const impostor = await signMessage(SignatureDomain.QUERY, question, 'credit', land);
    expect(() => verifyMessage(SignatureDomain.QUERY, impostor, bundle, verifyEd25519)).toThrow(
      expect.objectContaining({ code: ProtocolErrorCode.KEY_WRONG_DEPARTMENT }) as Error,
    );
  });
});
