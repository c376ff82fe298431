// `npm run bench -- protocol`: envelopes committed, canonicalised, hashed, signed
// and verified per second with both Ed25519 implementations, beside a bare
// SHA-256 of the same canonical bytes in the same run; and the strict JSON
// parser of every decode path beside JSON.parse on the same records; and the
// encrypted-data format (#28): an entry's fields sealed and opened, a key
// release sealed and opened, beside sealing and verifying the same entries.
import { sha256 } from '@noble/hashes/sha2.js';
import {
  SignatureDomain,
  decodeRecord,
  encodeRecord,
  memorySigner,
  nodeSigner,
  parseStrictJson,
  sealEntrySync,
  signingMessage,
  testTrustBundle,
  verifyEd25519,
  verifyEd25519Node,
  verifyEnvelope,
  checkDisclosure,
  deriveFieldKey,
  generateEncryptionKeyPair,
  newSubjectKey,
  openField,
  openKeyRelease,
  sealField,
  sealKeyRelease,
  type KeyRelease,
  type SealedEnvelope,
  type SealedField,
  type InProcessSigner,
} from '@registry-bus/protocol';
import { compare, measure, type BenchRow } from '@registry-bus/testing';

const SECRET = sha256(new TextEncoder().encode('bench key'));

function input(i: number, prevhash: Uint8Array) {
  return {
    chain: 'land',
    seq: i + 1,
    prevhash,
    type: 'gov.land.parcel.transferred.v1',
    subject: `CAD-77-${i}`,
    data: {
      parcelId: `CAD-77-${i}`,
      from: 'person:1',
      to: 'person:2',
      share: '1/1',
      basis: { kind: 'contract-of-sale', reference: `K-${i}` },
    },
    actor: 'clerk:7',
  };
}

function sealMany(signer: InProcessSigner, n: number): SealedEnvelope[] {
  const out: SealedEnvelope[] = [];
  let prevhash = new Uint8Array(32);
  for (let i = 0; i < n; i++) {
    const sealed = sealEntrySync(input(i, prevhash), signer);
    out.push(sealed);
    prevhash = sealed.hash as Uint8Array<ArrayBuffer>;
  }
  return out;
}

export default async function protocolBench(): Promise<{ rows: BenchRow[]; extra: Record<string, unknown> }> {
  const n = 5000;
  const nodeKey = nodeSigner('land-bench', SECRET);
  const nobleKey = memorySigner('land-bench', SECRET);
  const bundle = testTrustBundle({ land: [nodeKey] });
  const sample = sealMany(nodeKey, n);

  const bare = await measure('bare SHA-256 of the canonical envelope bytes', n, () => {
    for (const sealed of sample) sha256(sealed.canonical);
  });
  const sealNode = compare(
    await measure('seal: commit + JCS + hash + sign (node:crypto)', n, () => sealMany(nodeKey, n)),
    bare,
  );
  const sealNoble = compare(
    await measure('seal: commit + JCS + hash + sign (@noble/curves)', n, () => sealMany(nobleKey, n)),
    bare,
  );
  const signNode = compare(
    await measure('sign only (node:crypto)', n, () => {
      for (const sealed of sample) nodeKey.signSync!(signingMessage(SignatureDomain.ENTRY, sealed.hash));
    }),
    bare,
  );
  const signNoble = compare(
    await measure('sign only (@noble/curves)', n, () => {
      for (const sealed of sample) nobleKey.signSync!(signingMessage(SignatureDomain.ENTRY, sealed.hash));
    }),
    bare,
  );
  const records = sample.map((sealed) => ({
    topic: 'gov.land.ledger.v2',
    ...encodeRecord(sealed.envelope, sealed.disclosure),
  }));
  const verifyFull = (verify: typeof verifyEd25519) => () => {
    for (const record of records) {
      const decoded = decodeRecord(record);
      verifyEnvelope(decoded.envelope, bundle, verify);
      checkDisclosure(decoded.disclosure!, decoded.envelope.datadigest);
    }
  };
  // The strict parser against the engine's own on the same record texts (a Kafka record's value, as decoded).
  const texts = records.map((record) => new TextDecoder().decode(record.value));
  const rounds = 5;
  const nativeParse = await measure('JSON.parse of a ledger record', n * rounds, () => {
    for (let round = 0; round < rounds; round++) for (const text of texts) JSON.parse(text);
  });
  const strictParse = compare(
    await measure('parseStrictJson of a ledger record', n * rounds, () => {
      for (let round = 0; round < rounds; round++) for (const text of texts) parseStrictJson(text);
    }),
    nativeParse,
  );
  const verifyNode = compare(
    await measure('decode + hash + verify + data check (node:crypto)', n, verifyFull(verifyEd25519Node)),
    bare,
  );
  const verifyNoble = compare(
    await measure('decode + hash + verify + data check (@noble/curves)', n, verifyFull(verifyEd25519)),
    bare,
  );
  const encryption = await encryptionRows(sample, sealNode, verifyNode);
  return {
    rows: [
      bare,
      sealNode,
      sealNoble,
      signNode,
      signNoble,
      verifyNode,
      verifyNoble,
      nativeParse,
      strictParse,
      ...encryption,
    ],
    extra: {
      envelopeBytes: sample[0]!.canonical.length,
      recordBytes: records[0]!.value.length,
      fieldsPerEntry: 5,
      choice: 'node:crypto on Node (faster), @noble/curves in browsers',
    },
  };
}

/**
 * Per entry (5 fields): HKDF + AES-256-GCM of every field, and the opening;
 * per entry and follower: one HPKE release of its 5 field keys, and the
 * opening. Beside sealing and verifying the same entries in this run.
 */
async function encryptionRows(sample: SealedEnvelope[], seal: BenchRow, verify: BenchRow): Promise<BenchRow[]> {
  const n = 1000;
  const entries = sample.slice(0, n);
  const subjectKey = newSubjectKey();
  const keysOf = (sealed: SealedEnvelope) =>
    Object.keys(sealed.disclosure.fields).map((field) => ({
      seq: Number(sealed.envelope.seq),
      field,
      key: deriveFieldKey(subjectKey, {
        chain: sealed.envelope.chain,
        seq: Number(sealed.envelope.seq),
        type: sealed.envelope.type,
        field,
      }),
    }));
  const at = (sealed: SealedEnvelope, field: string) => ({
    chain: sealed.envelope.chain,
    seq: Number(sealed.envelope.seq),
    field,
    hash: sealed.envelope.hash,
  });
  const boxes: SealedField[][] = [];
  const sealFields = compare(
    await measure("encrypt an entry's 5 fields: HKDF + AES-256-GCM (WebCrypto)", n, async () => {
      for (const sealed of entries) {
        const row: SealedField[] = [];
        for (const { field, key } of keysOf(sealed)) {
          const { salts, fields } = sealed.disclosure;
          row.push(await sealField(key, at(sealed, field), { salt: salts[field]!, value: fields[field] }));
        }
        boxes.push(row);
      }
    }),
    seal,
  );
  const openFields = compare(
    await measure("decrypt an entry's 5 fields (keys released)", n, async () => {
      for (let i = 0; i < n; i++) {
        const sealed = entries[i]!;
        const keys = keysOf(sealed);
        for (let f = 0; f < keys.length; f++) await openField(keys[f]!.key, at(sealed, keys[f]!.field), boxes[i]![f]);
      }
    }),
    verify,
  );
  const grantee = generateEncryptionKeyPair();
  const recipient = { keyId: 'credit-bench', alg: 'X25519' as const, publicKey: grantee.publicKey };
  const releases: KeyRelease[] = [];
  const sealReleases = compare(
    await measure('key release: HPKE seal of one entry’s 5 field keys for one follower', n, async () => {
      for (const sealed of entries) {
        const seq = Number(sealed.envelope.seq);
        releases.push(
          await sealKeyRelease(
            { grantee: 'credit', chain: 'land', fromSeq: seq, toSeq: seq },
            recipient,
            keysOf(sealed),
          ),
        );
      }
    }),
    seal,
  );
  const openReleases = compare(
    await measure('key release: HPKE open of one entry’s 5 field keys', n, async () => {
      for (const release of releases) {
        await openKeyRelease(release, { grantee: 'credit', keyId: 'credit-bench', privateKey: grantee.privateKey });
      }
    }),
    verify,
  );
  return [sealFields, openFields, sealReleases, openReleases];
}
