import { domainEventTypes } from '@registry-bus/contracts';
import type { DynamicModule } from '@nestjs/common';
import { BrokerSteward, cosignaturesQuery, type DepartmentDefinition } from '@registry-bus/kit';

import { anchorAggregate } from './anchoring/anchor-aggregate.js';
import { NotaryAnchorer } from './anchoring/notary-anchorer.js';
import type { NotaryConfig } from './anchoring/notary-config.js';
import { NotaryAnchors1764000020000 } from './migrations/1764000020000-notary-anchors.js';
import { PortalIndexes1764000020001 } from './migrations/1764000020001-portal-indexes.js';
import { CheckpointCosignatures1764000020002 } from './migrations/1764000020002-checkpoint-cosignatures.js';
import { CheckpointPusher } from './checkpoints/checkpoint-pusher.js';
import { CheckpointsModule } from './checkpoints/checkpoints.module.js';
import { NotaryCheckpoints } from './checkpoints/notary-checkpoints.js';
import { coveringCheckpointQuery } from './checkpoints/covering-checkpoint-query.js';
import { witnessStateQuery } from './checkpoints/witness-state-query.js';
import { OperatorModule } from './operator/operator.module.js';
import { TrustBundlesModule } from './trust/trust-bundles.module.js';

/** The notary's own tables beside the kit's (its anchors, the portal's indexes): `npm run migrate -- notary` too. */
export const NOTARY_MIGRATIONS = [
  NotaryAnchors1764000020000,
  PortalIndexes1764000020001,
  CheckpointCosignatures1764000020002,
];

/**
 * The notary keeps a ledger of its own (anchors and alarms) and follows every
 * department's chain — as envelopes without data: nobody grants it any, and
 * it needs none (the hashes make its tree). It anchors each chain that moved.
 */
export function notaryDepartment(config: NotaryConfig): DepartmentDefinition {
  return {
    department: 'notary',
    // Every witness and receipt reads the anchors from its one chain; it writes them and sees every cosignature.
    unsharded: true,
    writesAnchors: true,
    aggregates: [anchorAggregate],
    follows: ['land', 'diploma', 'court', 'credit', 'bond'],
    eventTypes: domainEventTypes,
    migrations: NOTARY_MIGRATIONS,
    // It sees every witness's cosignatures: a department asks for those of its anchors when building a receipt.
    queries: (runtime) => [
      cosignaturesQuery(runtime.dataSource, (anchorSeqs) =>
        NotaryCheckpoints.of(runtime, config.CHECKPOINT_ORIGIN_PREFIX).forAnchors(anchorSeqs),
      ),
      // A witness that lost its state asks for the last checkpoint it cosigned, to restore it.
      witnessStateQuery(NotaryCheckpoints.of(runtime, config.CHECKPOINT_ORIGIN_PREFIX)),
      // A follower holding an entry whose key does not hold at receipt asks for its proof under a checkpoint.
      coveringCheckpointQuery(runtime.dataSource, NotaryCheckpoints.of(runtime, config.CHECKPOINT_ORIGIN_PREFIX)),
    ],
    services: (runtime) => [
      new NotaryAnchorer(runtime, config),
      // Each new checkpoint to every department of the bundle but the chain's owner, for its cosignature.
      ...(config.NOTARY_CHECKPOINT_WITNESSING
        ? [
            new CheckpointPusher(
              runtime,
              NotaryCheckpoints.of(runtime, config.CHECKPOINT_ORIGIN_PREFIX),
              // The departments the notary knows (their witness route), then the bundle's outside witnesses.
              () => [
                ...Object.entries(config.NOTARY_DEPARTMENT_URLS)
                  .filter(([name]) => runtime.trust.departments.some((department) => department.id === name))
                  .map(([name, url]) => ({ name, prefix: `${url}/v1/witness` })),
                ...(runtime.trust.outsideWitnesses ?? []).map((witness) => ({
                  name: witness.name,
                  prefix: witness.url.replace(/\/$/, ''),
                })),
              ],
              config.NOTARY_ANCHOR_INTERVAL_MS,
            ),
          ]
        : []),
      // On a broker with ACLs the notary, which sees every grant entry, keeps the ACLs in step with them.
      ...(config.NOTARY_BROKER_ADMIN_USERNAME && config.NOTARY_BROKER_ADMIN_PASSWORD
        ? [
            new BrokerSteward(runtime, {
              admin: { username: config.NOTARY_BROKER_ADMIN_USERNAME, password: config.NOTARY_BROKER_ADMIN_PASSWORD },
              departments: config.NOTARY_BROKER_DEPARTMENTS,
              notary: 'notary',
            }),
          ]
        : []),
    ],
  };
}

/** The notary's HTTP surface beyond the ledger's: its checkpoints, the operator view's data, trust bundles (the portal is its own app). */
export function notaryModules(config: NotaryConfig): DynamicModule[] {
  return [
    CheckpointsModule.forRoot({ originPrefix: config.CHECKPOINT_ORIGIN_PREFIX }),
    OperatorModule.forRoot({ urls: config.NOTARY_DEPARTMENT_URLS }),
    // Trust bundles published on its ledger, in force at every app that follows it (issue #24).
    TrustBundlesModule.forRoot(),
  ];
}
