import {
  checkDisclosure,
  decodeRecord,
  redact,
  verifyEd25519Node,
  verifyEnvelopeSignature,
  type EventTypeRegistry,
  type TrustBundle,
} from '@registry-bus/protocol';

import type { Disclosure, EntryVerifier, IncomingRecord, VerifiedEntry } from './consumer-types.js';

/** The pipeline's protocol checks with libs/protocol and the current trust bundle. */
export function protocolVerifier(options: {
  trustBundle: () => TrustBundle;
  registry: EventTypeRegistry;
}): EntryVerifier {
  return {
    verify(record: IncomingRecord): VerifiedEntry {
      const { envelope, disclosure } = decodeRecord({ topic: record.topic, key: record.key, value: record.value });
      // The key's validity is the pipeline's to judge, at receipt (key-time.ts): never at the claimed time.
      const verified = verifyEnvelopeSignature(envelope, options.trustBundle(), verifyEd25519Node);
      return {
        id: envelope.id,
        chain: envelope.chain,
        seq: Number(envelope.seq),
        type: envelope.type,
        subject: envelope.subject,
        source: envelope.source,
        time: new Date(envelope.time),
        actor: envelope.actor,
        prevhash: Uint8Array.from(Buffer.from(envelope.prevhash, 'hex')),
        hash: verified.hash,
        datadigest: envelope.datadigest,
        envelope: verified.canonical,
        sig: verified.sig,
        keyid: envelope.keyid,
        signingKey: verified.key,
        ...(disclosure ? { disclosure } : {}),
      };
    },
    checkData(entry: VerifiedEntry, fields: readonly string[] | 'all'): Disclosure {
      const disclosure = entry.disclosure!;
      // Check what arrived first, then keep only what the grant allows (the rest become commitments).
      checkDisclosure(disclosure, entry.datadigest);
      // Only the three members a disclosure has: a record's `sealed` ciphertexts are not stored until this
      // consumer can open them (issue #28), so a department cannot park unvalidated blobs in its followers.
      const { fields: all, salts, withheld } = disclosure;
      return fields === 'all' ? { fields: all, salts, withheld } : redact({ fields: all, salts, withheld }, fields);
    },
    validateData(type: string, data: Record<string, unknown>, partial: boolean) {
      return partial
        ? { type, data: options.registry.validatePartial(type, data) }
        : options.registry.upcast(type, data);
    },
  };
}
