import { CHAIN_PATTERN } from '@registry-bus/protocol';
import { z } from 'zod';

/**
 * CHECKPOINT_ORIGIN_PREFIX: the checkpoints' origins are `<prefix>/<chain>`,
 * a prefix of this deployment's own (its domain, `registry-bus.example.gov`),
 * so that origins are unique across deployments and a witness never mixes
 * two. The notary signs under it and every department witnesses under it:
 * one variable, the same value in every app.
 */
export const checkpointOriginPrefix = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9.-]*(\/[a-z0-9][a-z0-9.-]*)*$/, 'must be a domain-like name, e.g. registry-bus.example.gov')
  // The protocol's own signature domains begin so, and a cosignature's message with `cosignature/v1`:
  // a checkpoint must never read as one of them.
  .refine(
    (prefix) => !prefix.startsWith('registry-bus/') && prefix !== 'cosignature' && !prefix.startsWith('cosignature/'),
    'must not begin with registry-bus/ or cosignature (signature domains of the protocol and of C2SP)',
  )
  .default('registry-bus.localhost');

/** The origin of `chain`'s checkpoints. */
export const originOf = (prefix: string, chain: string): string => `${prefix}/${chain}`;

/** The chain an origin of this deployment names; undefined for an origin of another log or deployment. */
export function chainOfOrigin(prefix: string, origin: string): string | undefined {
  if (!origin.startsWith(`${prefix}/`)) return undefined;
  const chain = origin.slice(prefix.length + 1);
  return CHAIN_PATTERN.test(chain) ? chain : undefined;
}
