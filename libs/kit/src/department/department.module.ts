import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { appliedSeq } from '@registry-bus/bus';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';

import { ACCESS_CONTEXT, AccessController, type AccessContext } from '../access/access.controller.js';
import { AuditController } from '../audit/audit.controller.js';
import { AUDIT_LOG, AuditLog } from '../audit/audit-log.js';
import { EVENT_TYPES, ReadAuditInterceptor } from '../audit/personal-data.js';
import { AuthGuard, TOKEN_STORE } from '../auth/auth.guard.js';
import { IDENTITY_METRICS, IdentityMetrics, OIDC_VERIFIER, OidcVerifier, identitySettings } from '../identity/index.js';
import { TokensController } from '../auth/tokens.controller.js';
import { COMMANDS } from '../commands/commands.token.js';
import { HEALTH_INDICATORS, HealthController } from '../health/health.controller.js';
import { kafkaIndicator, postgresIndicator } from '../health/indicators.js';
import { FixedWindowLimiter } from '../http/fixed-window-limiter.js';
import { PUBLIC_RATE_LIMIT, PublicRateLimitGuard } from '../http/public-rate-limit.guard.js';
import { checkStoredStates, type CheckedAggregate } from '../commands/ledger-state.js';
import { FOLLOWED_TREES, LEDGER, LedgerController, STATE_CHECK } from '../ledger-http/ledger.controller.js';
import { METRICS, MetricsController } from '../metrics/metrics.controller.js';
import { QUERY_CLIENT, QueriesController } from '../queries/queries.controller.js';
import { MIRROR_CONTEXT, MirrorController, type MirrorContext } from '../mirror/mirror.controller.js';
import { RECOVERY_CONTEXT, RecoveryController, type RecoveryContextView } from '../recovery/recovery.controller.js';
import { askNotaryForCosignatures } from '../receipts/cosignatures-query.js';
import { ReceiptBuilder } from '../receipts/receipt-builder.js';
import { RECEIPTS, ReceiptsController } from '../receipts/receipts.controller.js';
import { kafkaSasl, kafkaSsl } from './department-config.js';
import { SCOPE_RULE } from '../scope/scope-rule.token.js';
import { ScopeRule } from '../scope/entry-scope.js';
import { followsAnchors } from '../runtime/department-definition.js';
import type { DepartmentRuntime } from '../runtime/department-runtime.js';
import {
  CHECKPOINT_WITNESS,
  CheckpointWitness,
  FileJoinedOrigins,
  WitnessController,
} from '../witness/checkpoints/index.js';
import { followedRootAt } from '../witness/witness-reaction.js';

export const DEPARTMENT_RUNTIME = Symbol('DEPARTMENT_RUNTIME');

/**
 * Mounts the generic surface of a department (health, metrics, the ledger
 * endpoints, operator tokens), closes every route behind the auth guard,
 * rate-limits the public ones, and hands the runtime's ledger and command
 * runner to the domain modules.
 */
@Module({})
export class DepartmentModule {
  static forRoot(runtime: DepartmentRuntime, domain: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: DepartmentModule,
      global: true,
      imports: domain,
      controllers: [
        HealthController,
        LedgerController,
        TokensController,
        MetricsController,
        AccessController,
        QueriesController,
        ReceiptsController,
        MirrorController,
        RecoveryController,
        AuditController,
        // Every department witnesses the notary's checkpoints (C2SP tlog-witness); the notary itself cannot.
        ...(runtime.definition.writesAnchors ? [] : [WitnessController]),
      ],
      providers: [
        // The witness (C2SP tlog-witness) of every department but the notary, which cannot witness what it anchors.
        ...(runtime.definition.writesAnchors
          ? []
          : [
              {
                provide: CHECKPOINT_WITNESS,
                useValue: new CheckpointWitness({
                  department: runtime.definition.department,
                  chains: runtime.ledger.chains,
                  dataSource: runtime.dataSource,
                  signer: runtime.signer,
                  trust: () => runtime.currentTrustBundle(),
                  commands: runtime.commands,
                  originPrefix: runtime.config.CHECKPOINT_ORIGIN_PREFIX,
                  joined: FileJoinedOrigins.in(runtime.config.KEYS_DIR),
                  heldRoot: (chain, size) => followedRootAt(runtime.dataSource, chain, size),
                  restore: async (chain) => {
                    const reply = await runtime.queries.ask('notary', 'witness-state', {
                      chain,
                      witness: runtime.definition.department,
                    });
                    const note = reply.result.ok ? reply.result.answer.checkpoint : undefined;
                    return typeof note === 'string' ? note : undefined;
                  },
                }),
              },
            ]),
        { provide: DEPARTMENT_RUNTIME, useValue: runtime },
        { provide: LEDGER, useValue: runtime.ledger },
        {
          provide: FOLLOWED_TREES,
          useValue: {
            dataSource: runtime.dataSource,
            sizeOf: (chain: string) => appliedSeq(runtime.dataSource, chain),
          },
        },
        {
          provide: STATE_CHECK,
          useValue: {
            // The decider states, then the operator tokens: each row held to its entries (issue #27).
            check: async () => {
              const states = await checkStoredStates(
                runtime.dataSource,
                runtime.stateAggregates as ReadonlyArray<CheckedAggregate<unknown>>,
              );
              const tokens = await runtime.tokens.disagreements();
              return {
                checked: states.checked + tokens.checked,
                disagreements: [
                  ...states.disagreements,
                  ...tokens.disagreements.map(({ tokenId, reason }) => ({
                    aggregate: 'operator_token',
                    subject: tokenId,
                    reason,
                  })),
                ],
              };
            },
          },
        },
        { provide: COMMANDS, useValue: runtime.commands },
        {
          provide: SCOPE_RULE,
          useValue: new ScopeRule(runtime.definition.department, runtime.dataSource, runtime.definition.scope),
        },
        { provide: TOKEN_STORE, useValue: runtime.tokens },
        // Operators signed in by the state's OpenID provider, when one is configured (issue #26).
        { provide: OIDC_VERIFIER, useValue: oidcVerifierOf(runtime) },
        { provide: IDENTITY_METRICS, useValue: new IdentityMetrics(runtime.metrics.registry) },
        { provide: AUDIT_LOG, useValue: new AuditLog(runtime.dataSource, runtime.log()) },
        { provide: EVENT_TYPES, useValue: runtime.registry },
        { provide: APP_INTERCEPTOR, useClass: ReadAuditInterceptor },
        { provide: METRICS, useValue: runtime.metrics },
        { provide: QUERY_CLIENT, useValue: runtime.queries },
        {
          provide: RECEIPTS,
          useValue: new ReceiptBuilder(runtime.ledger, runtime.dataSource, runtime.registry, {
            trustBundle: () => runtime.currentTrustBundle(),
            // The notary sees every witness's cosignatures; this department only those of ledgers it follows.
            ...(!runtime.definition.writesAnchors && followsAnchors(runtime.definition)
              ? {
                  cosignaturesElsewhere: (anchorSeqs: string[]) =>
                    askNotaryForCosignatures(runtime.queries, anchorSeqs),
                }
              : {}),
          }),
        },
        {
          provide: ACCESS_CONTEXT,
          useValue: {
            department: runtime.definition.department,
            dataSource: runtime.dataSource,
            received: () => runtime.policy.received(),
          } satisfies AccessContext,
        },
        {
          provide: MIRROR_CONTEXT,
          useValue: {
            department: runtime.definition.department,
            dataSource: runtime.dataSource,
            trust: () => runtime.currentTrustBundle(),
          } satisfies MirrorContext,
        },
        {
          provide: RECOVERY_CONTEXT,
          useValue: {
            lastRecovery: () => runtime.lastRecovery,
            check: (from) => runtime.checkOffsiteCopy(from),
          } satisfies RecoveryContextView,
        },
        { provide: PUBLIC_RATE_LIMIT, useValue: new FixedWindowLimiter(runtime.config.PUBLIC_RATE_LIMIT_PER_MINUTE) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: PublicRateLimitGuard },
        {
          provide: HEALTH_INDICATORS,
          useValue: [
            postgresIndicator(() => runtime.dataSource.query('SELECT 1')),
            kafkaIndicator(
              runtime.config.KAFKA_BROKERS,
              kafkaSasl(runtime.config),
              kafkaSsl(runtime.config),
              runtime.config.KAFKA_CLIENT,
            ),
          ],
        },
      ],
      exports: [DEPARTMENT_RUNTIME, LEDGER, COMMANDS, TOKEN_STORE, SCOPE_RULE, AUDIT_LOG],
    };
  }
}

function oidcVerifierOf(runtime: DepartmentRuntime): OidcVerifier | null {
  const settings = identitySettings(runtime.config);
  return settings ? new OidcVerifier(settings, runtime.definition.department) : null;
}
