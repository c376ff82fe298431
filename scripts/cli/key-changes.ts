import type { KeyCompromise, SignedTrustBundle, TrustBundle, TrustedKey } from '@registry-bus/protocol';

/** A bad input of `npm run keys`: printed as is, exit code 2. */
export class KeysInputError extends Error {}

const HEX32 = /^[0-9a-f]{64}$/;

/** `24h`, `90m`, `3600s`, `7d` or a plain number of seconds, in milliseconds. */
export function parseDuration(text: string): number {
  const match = /^([0-9]+)(s|m|h|d)?$/.exec(text);
  if (!match) throw new KeysInputError(`--overlap: '${text}' is not a duration such as 24h, 90m, 3600s or 7d`);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] as 's' | 'm' | 'h' | 'd' | undefined) ?? 's'];
  return Number(match[1]) * unit * 1000;
}

/** `<size>:<root hex>` or `<chain>=<size>:<root hex>` (the chain defaults to the department's own). */
export function parseCheckpoint(text: string, department: string): { chain: string; size: number; root: string } {
  const match = /^(?:([a-z][a-z0-9-]*(?:\/[0-9]+)?)=)?([0-9]+):([0-9a-fA-F]+)$/.exec(text);
  if (!match) {
    throw new KeysInputError(
      `--compromised-since: '${text}' is not <size>:<root hex> (or <chain>=<size>:<root hex>), e.g. 42:${'ab'.repeat(32)}`,
    );
  }
  const root = match[3]!.toLowerCase();
  if (!HEX32.test(root))
    throw new KeysInputError(`--compromised-since: the root must be 64 hex digits, not '${match[3]}'`);
  const chain = match[1] ?? department;
  if (chain !== department && !chain.startsWith(`${department}/`)) {
    throw new KeysInputError(`--compromised-since: chain '${chain}' is not a chain of '${department}'`);
  }
  return { chain, size: Number(match[2]), root };
}

function departmentOf(bundle: TrustBundle, department: string) {
  const found = bundle.departments.find((candidate) => candidate.id === department);
  if (!found) {
    throw new KeysInputError(
      `department '${department}' is not in trust bundle version ${bundle.version - 1} (it has ${bundle.departments.map((d) => d.id).join(', ')})`,
    );
  }
  return found;
}

/** The department's keys in use: neither retired nor revoked. */
function activeKeys(keys: TrustedKey[]): TrustedKey[] {
  return keys.filter((key) => key.validUntil === undefined && key.revokedAt === undefined);
}

/** The bundle one version up, unsigned, from `signed` (its signatures are for the bundle in force, not this one). */
function nextOf(signed: SignedTrustBundle, now: Date): TrustBundle {
  const bundle = structuredClone(signed.bundle);
  bundle.version = signed.bundle.version + 1;
  bundle.issuedAt = now.toISOString();
  return bundle;
}

/**
 * The next bundle of a rotation: `newKey` valid from now, every key of the
 * department in use retired at now + overlap (it signs on meanwhile, its
 * entries anchored within its window plus the bundle's grace stay valid).
 */
export function rotatedBundle(
  signed: SignedTrustBundle,
  department: string,
  newKey: Pick<TrustedKey, 'keyId' | 'publicKey'>,
  overlapMs: number,
  now: Date,
): { bundle: TrustBundle; retired: string[] } {
  const bundle = nextOf(signed, now);
  const owner = departmentOf(bundle, department);
  const active = activeKeys(owner.keys);
  // None in use (the key was revoked): the new key comes alone, nothing to retire.
  const until = new Date(now.getTime() + overlapMs).toISOString();
  for (const key of active) key.validUntil = until;
  owner.keys.push({ keyId: newKey.keyId, publicKey: newKey.publicKey, validFrom: now.toISOString() });
  return { bundle, retired: active.map((key) => key.keyId) };
}

/**
 * The next bundle of a compromise: the key revoked now, with the
 * checkpoint(s) the department vouches for and its legitimate entries after
 * them (docs/OPERATIONS.md "A stolen key").
 */
export function revokedBundle(
  signed: SignedTrustBundle,
  department: string,
  options: {
    keyId?: string;
    since: Array<{ chain: string; size: number; root: string }>;
    legitimate: string[];
    reason: string;
  },
  now: Date,
): { bundle: TrustBundle; key: TrustedKey } {
  const bundle = nextOf(signed, now);
  const owner = departmentOf(bundle, department);
  const candidates = options.keyId
    ? owner.keys.filter((key) => key.keyId === options.keyId)
    : owner.keys.filter(
        (key) =>
          key.revokedAt === undefined && (key.validUntil === undefined || Date.parse(key.validUntil) > now.getTime()),
      );
  if (options.keyId && candidates.length === 0) {
    throw new KeysInputError(
      `'${department}' has no key '${options.keyId}' (it has ${owner.keys.map((k) => k.keyId).join(', ')})`,
    );
  }
  if (candidates.length !== 1) {
    throw new KeysInputError(
      `'${department}' has ${candidates.length} keys that could be meant (${candidates.map((k) => k.keyId).join(', ') || 'none'}): name one with --key`,
    );
  }
  const key = candidates[0]!;
  if (key.revokedAt !== undefined)
    throw new KeysInputError(`key '${key.keyId}' was revoked already at ${key.revokedAt}`);
  if (options.since.length === 0)
    throw new KeysInputError('--compromised-since is required: the last checkpoint the department vouches for');
  const chains = new Set<string>();
  for (const { chain } of options.since) {
    if (chains.has(chain)) throw new KeysInputError(`--compromised-since names chain '${chain}' twice`);
    chains.add(chain);
  }
  const legitimate = new Map([...chains].map((chain) => [chain, [] as string[]]));
  for (const item of options.legitimate) {
    const [chain, hash] = item.includes('=') ? (item.split('=', 2) as [string, string]) : [undefined, item];
    if (!HEX32.test(hash))
      throw new KeysInputError(`--legitimate: '${hash}' is not an entry hash (64 lower-case hex digits)`);
    const list = chain ? legitimate.get(chain) : chains.size === 1 ? [...legitimate.values()][0] : undefined;
    if (!list) {
      throw new KeysInputError(
        chain
          ? `--legitimate: chain '${chain}' has no --compromised-since`
          : `--legitimate: name the chain of '${hash}' (<chain>=<hash>): several chains are compromised`,
      );
    }
    list.push(hash);
  }
  key.revokedAt = now.toISOString();
  key.revocationReason = options.reason;
  key.compromise = options.since.map((checkpoint): KeyCompromise => ({
    ...checkpoint,
    legitimate: legitimate.get(checkpoint.chain)!,
  }));
  return { bundle, key };
}
