import { departmentOfChain } from '../identifiers/identifiers.js';
import { ProtocolError, ProtocolErrorCode } from '../errors/protocol-error.js';
import { NoteSignatureType, parseVerifierKey, type NoteVerifierKey } from '../checkpoint/signed-note.js';

/**
 * Who may witness a chain, and how many of them make a quorum. `chain` is a
 * department's ledger id (and covers its shards, `land/1`) or an exact shard
 * id, which wins over its department's entry.
 */
export interface WitnessPolicy {
  chain: string;
  witnesses: string[];
  quorum: number;
}

/** The witnesses eligible for `chain` and the quorum, from the bundle's entry or the default rule. */
export interface ChainWitnesses {
  chain: string;
  owner: string;
  eligible: string[];
  required: number;
}

export interface QuorumReport {
  required: number;
  eligible: string[];
  /** The distinct eligible witnesses whose cosignatures count. */
  counted: string[];
  /** Cosigners that do not count, and why. */
  ignored: Array<{ witness: string; why: string }>;
  met: boolean;
  /** `quorum: 1 of 3 independent cosignatures (land's own does not count)`; always there, whether met or not. */
  text: string;
  /** The text, when the quorum is not met. */
  shortfall?: string;
}

const NOTARY = 'notary';

/** What of a trust bundle the rules read (a TrustBundle is one; kept structural so the two modules need not import each other). */
interface BundleView {
  departments: ReadonlyArray<{ id: string }>;
  witnessing?: WitnessPolicy[];
  outsideWitnesses?: ReadonlyArray<{ name: string; url: string; key: string }>;
}

/** The names of the bundle's outside witnesses (none when it has no such section). */
const outsideNames = (bundle: BundleView) => (bundle.outsideWitnesses ?? []).map((witness) => witness.name);

/** A strict majority: any two quorums of the same witnesses share one. */
export const defaultQuorum = (witnesses: number) => Math.floor(witnesses / 2) + 1;

/**
 * The policy for `chain`: its exact entry, else its department's, else the
 * default — every department of the bundle but the owner and the notary
 * (for the notary's own chain: every department but the notary), and every
 * outside witness, with q = ⌊n/2⌋ + 1.
 */
export function witnessesOf(bundle: BundleView, chain: string): ChainWitnesses {
  const owner = departmentOfChain(chain) ?? chain;
  const entry =
    bundle.witnessing?.find((policy) => policy.chain === chain) ??
    bundle.witnessing?.find((policy) => policy.chain === owner);
  if (entry) return { chain, owner, eligible: [...entry.witnesses], required: entry.quorum };
  const eligible = [
    ...bundle.departments.map((department) => department.id).filter((id) => id !== owner && id !== NOTARY),
    ...outsideNames(bundle),
  ];
  return { chain, owner, eligible, required: defaultQuorum(eligible.length) };
}

/**
 * Checks the bundle's witnessing section: every witness a department of the
 * bundle, never the chain's owner nor the notary, none named twice, and a
 * quorum q with 1 ≤ q ≤ n and 2q > n. Throws ProtocolError(BAD_TRUST_BUNDLE)
 * naming the chain and the numbers.
 */
export function checkWitnessing(bundle: BundleView): void {
  const refuse = (message: string) => {
    throw new ProtocolError(ProtocolErrorCode.BAD_TRUST_BUNDLE, message, 'witnessing');
  };
  checkOutsideWitnesses(bundle, refuse);
  if (bundle.witnessing === undefined) return;
  if (!Array.isArray(bundle.witnessing)) refuse('witnessing must be a list of {chain, witnesses, quorum}');
  const departments = new Set(bundle.departments.map((department) => department.id));
  const outside = new Set(outsideNames(bundle));
  const seen = new Set<string>();
  for (const policy of bundle.witnessing) {
    const { chain, witnesses, quorum } = policy ?? ({} as WitnessPolicy);
    if (typeof chain !== 'string' || !Array.isArray(witnesses) || !Number.isSafeInteger(quorum))
      refuse(`witnessing: each entry is {chain, witnesses: [...], quorum: <integer>}, got ${JSON.stringify(policy)}`);
    const owner = departmentOfChain(chain);
    if (owner === undefined || !departments.has(owner))
      refuse(`witnessing of '${chain}': not a chain of a department in the bundle`);
    if (seen.has(chain)) refuse(`witnessing of '${chain}': given twice`);
    seen.add(chain);
    const named = new Set<string>();
    for (const witness of witnesses) {
      if (typeof witness !== 'string' || !(departments.has(witness) || outside.has(witness)))
        refuse(`witnessing of '${chain}': '${String(witness)}' is not a department or outside witness in the bundle`);
      if (witness === owner) refuse(`witnessing of '${chain}': ${owner} cannot witness its own chain`);
      if (witness === NOTARY) refuse(`witnessing of '${chain}': the notary cannot witness a chain it anchors`);
      if (named.has(witness)) refuse(`witnessing of '${chain}': '${witness}' is named twice`);
      named.add(witness);
    }
    const n = witnesses.length;
    if (quorum < 1) refuse(`witnessing of '${chain}': a quorum of ${quorum} — at least 1 cosignature is needed`);
    if (quorum > n) refuse(`witnessing of '${chain}': a quorum of ${quorum} of ${n} witnesses can never be met`);
    if (2 * quorum <= n)
      refuse(
        `witnessing of '${chain}': a quorum of ${quorum} of ${n} witnesses is not a majority (2q must exceed n, so that any two quorums overlap; at least ${defaultQuorum(n)})`,
      );
  }
}

/**
 * Whether the cosignatures of `cosigners` (department ids whose cosignatures
 * verified) meet the quorum of `chain`: each eligible department counts
 * once, however many keys or entries it cosigned with; the owner's own and
 * the notary's never count.
 */
export function quorumOf(bundle: BundleView, chain: string, cosigners: readonly string[]): QuorumReport {
  const { owner, eligible, required } = witnessesOf(bundle, chain);
  const counted: string[] = [];
  const ignored: QuorumReport['ignored'] = [];
  for (const witness of new Set(cosigners)) {
    if (eligible.includes(witness)) counted.push(witness);
    else if (witness === owner) ignored.push({ witness, why: `${owner}'s own does not count` });
    else if (witness === NOTARY) ignored.push({ witness, why: `the notary's does not count` });
    else ignored.push({ witness, why: `${witness} is not a witness of ${chain}` });
  }
  const met = counted.length >= required;
  const notes = ignored.map((note) => note.why);
  if (eligible.length < required) notes.push(`only ${eligible.length} eligible`);
  const text = `quorum: ${counted.length} of ${required} independent cosignatures${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`;
  return { required, eligible, counted, ignored, met, text, ...(met ? {} : { shortfall: text }) };
}

/**
 * The outside witnesses: each a note key name no department has, named once,
 * an http(s) submission prefix, and a cosignature/v1 (0x04) verifier key of
 * that very name — its key ID checked against its key.
 */
function checkOutsideWitnesses(bundle: BundleView, refuse: (message: string) => never): void {
  if (bundle.outsideWitnesses === undefined) return;
  if (!Array.isArray(bundle.outsideWitnesses)) refuse('outsideWitnesses must be a list of {name, url, key}');
  const taken = new Set(bundle.departments.map((department) => department.id));
  for (const witness of bundle.outsideWitnesses) {
    const { name, url, key } = witness ?? ({} as { name: string; url: string; key: string });
    if (typeof name !== 'string' || typeof url !== 'string' || typeof key !== 'string')
      refuse(`outsideWitnesses: each entry is {name, url, key}, got ${JSON.stringify(witness)}`);
    if (taken.has(name)) refuse(`outside witness '${name}': the name is a department's, or given twice`);
    taken.add(name);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
      refuse(`outside witness '${name}': url '${url}' is not an http(s) URL`);
    let parsed: NoteVerifierKey;
    try {
      parsed = parseVerifierKey(key);
    } catch (error) {
      return refuse(`outside witness '${name}': ${error instanceof Error ? error.message : String(error)}`);
    }
    if (parsed.name !== name || parsed.type !== NoteSignatureType.COSIGNATURE_V1)
      refuse(`outside witness '${name}': its key must be a cosignature/v1 (0x04) key named '${name}'`);
  }
}
