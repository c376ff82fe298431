import { RootAccumulator, rootAt } from '@registry-bus/merkle';
import {
  checkDisclosure,
  envelopeFromStored,
  parseDisclosure,
  parseEnvelope,
  verifyEd25519Node,
  verifyEnvelope,
  equalBytes,
  parseStrictJsonBytes,
  type TrustBundle,
} from '@registry-bus/protocol';
import type { DataSource } from 'typeorm';

import { entryLeaf, PgNodeReader } from '../merkle/pg-node-store.js';
import type { StoredEntry } from '../relay/stored-entry.js';
import type { ChainChecks, CheckedEntry } from './verify-chain.js';

/**
 * verifyChain's checks with libs/protocol: the stored bytes must hash to the
 * stored hash, parse as a valid envelope, carry a valid signature of a key
 * the trust bundle allowed at the entry's time, and the stored data must
 * match the signed datadigest.
 */
export function protocolChainChecks(dataSource: DataSource, trustBundle: () => TrustBundle): ChainChecks {
  return {
    checkEntry(entry: StoredEntry): CheckedEntry {
      const signed = envelopeFromStored(entry.envelope, entry.hash, entry.sig, entry.keyid);
      const { envelope } = parseEnvelope(signed);
      const verified = verifyEnvelope(envelope, trustBundle(), verifyEd25519Node);
      if (!equalBytes(verified.canonical, entry.envelope)) {
        throw new Error('the stored envelope bytes are not in canonical form');
      }
      // The query columns are copies of the envelope: an edited copy is tampering too.
      const columns: Array<[string, string, string]> = [
        ['id', entry.id, envelope.id],
        ['type', entry.type, envelope.type],
        ['subject', entry.subject, envelope.subject],
        ['chain', entry.chain, envelope.chain],
        ['seq', String(entry.seq), envelope.seq],
      ];
      for (const [name, column, inEnvelope] of columns) {
        if (column !== inEnvelope)
          throw new Error(`column ${name} says '${column}' but the signed envelope says '${inEnvelope}'`);
      }
      if (entry.time.getTime() !== Date.parse(envelope.time)) {
        throw new Error(`column time says ${entry.time.toISOString()} but the signed envelope says ${envelope.time}`);
      }
      if (entry.disclosure) {
        const disclosure = parseDisclosure(parseStrictJsonBytes(entry.disclosure, 'a stored disclosure'));
        checkDisclosure(disclosure, envelope.datadigest);
      }
      return {
        chain: envelope.chain,
        seq: Number(envelope.seq),
        prevhash: Uint8Array.from(Buffer.from(envelope.prevhash, 'hex')),
      };
    },
    leafHash: entryLeaf,
    newAccumulator: () => new RootAccumulator(),
    storedRoot: (chain, size) => rootAt(new PgNodeReader(dataSource, chain), size),
  };
}
