import { NoteSignatureType, formatVerifierKey } from '../checkpoint/signed-note.js';
import { ProtocolErrorCode } from '../errors/protocol-error.js';
import { testSigner, testTrustBundle } from '../fixtures/test-department.js';
import { signTrustBundle, verifyTrustBundle, type TrustBundle } from './trust-bundle.js';
import { checkWitnessing, quorumOf, witnessesOf, type WitnessPolicy } from './witness-quorum.js';

const ids = ['land', 'credit', 'diploma', 'court', 'bond', 'notary'];
const bundle = testTrustBundle(Object.fromEntries(ids.map((id) => [id, [testSigner(id)]])));
const withPolicy = (...witnessing: WitnessPolicy[]): TrustBundle => ({ ...bundle, witnessing });

describe('witnessesOf', () => {
  it('by default every department but the owner and the notary, with a strict majority', () => {
    expect(witnessesOf(bundle, 'land')).toEqual({
      chain: 'land',
      owner: 'land',
      eligible: ['credit', 'diploma', 'court', 'bond'],
      required: 3,
    });
    expect(witnessesOf(bundle, 'land/1').eligible).toEqual(['credit', 'diploma', 'court', 'bond']);
  });

  it("the notary's own chain: every department but the notary (5 of them, quorum 3)", () => {
    expect(witnessesOf(bundle, 'notary')).toEqual({
      chain: 'notary',
      owner: 'notary',
      eligible: ['land', 'credit', 'diploma', 'court', 'bond'],
      required: 3,
    });
  });

  it("a department's entry covers its shards; an exact shard entry wins", () => {
    const sut = withPolicy(
      { chain: 'land', witnesses: ['credit'], quorum: 1 },
      { chain: 'land/1', witnesses: ['credit', 'court', 'bond'], quorum: 2 },
    );
    expect(witnessesOf(sut, 'land/0')).toMatchObject({ eligible: ['credit'], required: 1 });
    expect(witnessesOf(sut, 'land/1')).toMatchObject({ eligible: ['credit', 'court', 'bond'], required: 2 });
    expect(witnessesOf(sut, 'court')).toMatchObject({ eligible: ['land', 'credit', 'diploma', 'bond'], required: 3 });
  });
});

describe('checkWitnessing', () => {
  const refusal = (...policies: WitnessPolicy[]) => {
    try {
      checkWitnessing(withPolicy(...policies));
    } catch (error) {
      expect(error).toMatchObject({ code: ProtocolErrorCode.BAD_TRUST_BUNDLE, attribute: 'witnessing' });
      return (error as { reason: string }).reason;
    }
    return 'accepted';
  };

  it('accepts a majority quorum and a bundle without a witnessing section', () => {
    expect(refusal({ chain: 'land', witnesses: ['credit', 'court', 'diploma', 'bond'], quorum: 3 })).toBe('accepted');
    expect(refusal({ chain: 'land', witnesses: ['credit'], quorum: 1 })).toBe('accepted');
    expect(() => checkWitnessing(bundle)).not.toThrow();
  });

  it('refuses 2q ≤ n: two quorums that need not overlap', () => {
    expect(refusal({ chain: 'land', witnesses: ['credit', 'court', 'diploma', 'bond'], quorum: 2 })).toBe(
      "witnessing of 'land': a quorum of 2 of 4 witnesses is not a majority (2q must exceed n, so that any two quorums overlap; at least 3)",
    );
  });

  it('refuses q < 1 and a quorum larger than the witnesses', () => {
    expect(refusal({ chain: 'land', witnesses: ['credit'], quorum: 0 })).toBe(
      "witnessing of 'land': a quorum of 0 — at least 1 cosignature is needed",
    );
    expect(refusal({ chain: 'court', witnesses: ['land', 'credit'], quorum: 3 })).toBe(
      "witnessing of 'court': a quorum of 3 of 2 witnesses can never be met",
    );
  });

  it('refuses an unknown witness, the owner, the notary and a witness named twice', () => {
    expect(refusal({ chain: 'land', witnesses: ['credit', 'treasury'], quorum: 2 })).toBe(
      "witnessing of 'land': 'treasury' is not a department or outside witness in the bundle",
    );
    expect(refusal({ chain: 'land/1', witnesses: ['credit', 'land', 'court'], quorum: 2 })).toBe(
      "witnessing of 'land/1': land cannot witness its own chain",
    );
    expect(refusal({ chain: 'land', witnesses: ['credit', 'notary', 'court'], quorum: 2 })).toBe(
      "witnessing of 'land': the notary cannot witness a chain it anchors",
    );
    expect(refusal({ chain: 'land', witnesses: ['credit', 'court', 'credit'], quorum: 2 })).toBe(
      "witnessing of 'land': 'credit' is named twice",
    );
  });

  it('refuses a chain of no department in the bundle, and a chain given twice', () => {
    expect(refusal({ chain: 'treasury', witnesses: ['credit'], quorum: 1 })).toBe(
      "witnessing of 'treasury': not a chain of a department in the bundle",
    );
    expect(
      refusal({ chain: 'land', witnesses: ['credit'], quorum: 1 }, { chain: 'land', witnesses: ['court'], quorum: 1 }),
    ).toBe("witnessing of 'land': given twice");
  });

  it('verifyTrustBundle refuses a correctly signed bundle whose quorum is not a majority', async () => {
    const root = testSigner('governance', 'root');
    const signed = await signTrustBundle(
      withPolicy({ chain: 'land', witnesses: ['credit', 'court'], quorum: 1 }),
      root,
    );
    expect(() => verifyTrustBundle(signed, root.publicKey)).toThrow(
      "witnessing of 'land': a quorum of 1 of 2 witnesses is not a majority (2q must exceed n, so that any two quorums overlap; at least 2)",
    );
  });
});

describe('quorumOf', () => {
  it("the owner's own cosignature never counts", () => {
    expect(quorumOf(bundle, 'land', ['land', 'credit'])).toEqual({
      required: 3,
      eligible: ['credit', 'diploma', 'court', 'bond'],
      counted: ['credit'],
      ignored: [{ witness: 'land', why: "land's own does not count" }],
      met: false,
      text: "quorum: 1 of 3 independent cosignatures (land's own does not count)",
      shortfall: "quorum: 1 of 3 independent cosignatures (land's own does not count)",
    });
  });

  it('no cosignature at all', () => {
    expect(quorumOf(bundle, 'diploma', []).shortfall).toBe('quorum: 0 of 3 independent cosignatures');
  });

  it('met by distinct eligible witnesses; one department counts once however often it cosigned', () => {
    const sut = quorumOf(bundle, 'court', ['court', 'land', 'credit', 'land', 'diploma']);
    expect(sut).toMatchObject({ counted: ['land', 'credit', 'diploma'], met: true });
    expect(sut.shortfall).toBeUndefined();
    expect(sut.text).toBe("quorum: 3 of 3 independent cosignatures (court's own does not count)");
    expect(quorumOf(bundle, 'court', ['land', 'land', 'land', 'credit']).met).toBe(false);
  });

  it('the notary and a department outside the policy do not count', () => {
    const sut = withPolicy({ chain: 'land', witnesses: ['credit'], quorum: 1 });
    expect(quorumOf(sut, 'land/1', ['notary', 'court']).shortfall).toBe(
      "quorum: 0 of 1 independent cosignatures (the notary's does not count; court is not a witness of land/1)",
    );
    expect(quorumOf(sut, 'land/1', ['credit']).met).toBe(true);
  });

  it('a bundle with too few departments says the quorum cannot be met', () => {
    const small = testTrustBundle({ land: [testSigner('land')], notary: [testSigner('notary')] });
    expect(quorumOf(small, 'land', ['land']).shortfall).toBe(
      "quorum: 0 of 1 independent cosignatures (land's own does not count; only 0 eligible)",
    );
  });
});

describe('outside witnesses (C2SP witnesses beyond the departments)', () => {
  const key = (name: string, type: number = NoteSignatureType.COSIGNATURE_V1) =>
    formatVerifierKey(name, type, testSigner('outside', name).publicKey);
  const outside = (name: string, url = 'https://witness.example.org/rb', vkey = key(name)) => ({
    name,
    url,
    key: vkey,
  });
  const withOutside = (...outsideWitnesses: ReturnType<typeof outside>[]): TrustBundle => ({
    ...bundle,
    outsideWitnesses,
  });
  const refusal = (candidate: TrustBundle) => {
    try {
      checkWitnessing(candidate);
    } catch (error) {
      return (error as Error).message;
    }
    return 'accepted';
  };

  it('are eligible for every chain under the default rule: 4 departments and 1 outside, 3 of 5', () => {
    expect(witnessesOf(withOutside(outside('witness.example.org')), 'land')).toMatchObject({
      eligible: ['credit', 'diploma', 'court', 'bond', 'witness.example.org'],
      required: 3,
    });
  });

  it('may be named in a chain’s rule, and count there once', () => {
    const candidate: TrustBundle = {
      ...withOutside(outside('witness.example.org')),
      witnessing: [{ chain: 'land', witnesses: ['credit', 'witness.example.org', 'bond'], quorum: 2 }],
    };
    expect(refusal(candidate)).toBe('accepted');
    expect(quorumOf(candidate, 'land', ['witness.example.org', 'witness.example.org', 'credit']).met).toBe(true);
  });

  it('are refused with a department’s name, twice, without an http(s) URL, or with a key that is not a 0x04 key of that name', () => {
    expect(refusal(withOutside(outside('credit')))).toMatch(/outside witness 'credit': the name is a department's/);
    expect(refusal(withOutside(outside('w.example'), outside('w.example')))).toMatch(/given twice/);
    expect(refusal(withOutside(outside('w.example', 'ftp://w.example')))).toMatch(/is not an http\(s\) URL/);
    expect(refusal(withOutside(outside('w.example', undefined, key('other.example'))))).toMatch(
      /must be a cosignature\/v1 \(0x04\) key named 'w.example'/,
    );
    expect(refusal(withOutside(outside('w.example', undefined, key('w.example', NoteSignatureType.ED25519))))).toMatch(
      /must be a cosignature\/v1 \(0x04\) key/,
    );
  });
});
