export { checkHealth, type DependencyHealth, type HealthIndicator } from './health/health-check.js';
export { HealthController, HEALTH_INDICATORS } from './health/health.controller.js';
export { kafkaIndicator, postgresIndicator, postgresUrlIndicator } from './health/indicators.js';
export {
  PROBLEM_CONTENT_TYPE,
  ProblemError,
  problem,
  problemType,
  type ProblemDetails,
} from './problems/problem-details.js';
export { ProblemFilter, toProblem } from './problems/problem-filter.js';
export { LEDGER, LedgerController, receiptPath } from './ledger-http/ledger.controller.js';
export {
  departmentConfigSchema,
  kafkaSasl,
  kafkaSsl,
  loadDepartmentConfig,
  type DepartmentConfig,
} from './department/department-config.js';
export { DepartmentRuntime } from './runtime/department-runtime.js';
export {
  type DepartmentContext,
  type DepartmentDefinition,
  type DepartmentService,
} from './runtime/department-definition.js';
export { AlarmWriter, alarmEntry, type Alarm, type AlarmKind } from './runtime/parts/alarms/index.js';
export { migrateDepartment } from './runtime/parts/database/index.js';
export { KEY_RELEASE_QUERY, MAX_RELEASE_SEQS } from './runtime/parts/data-keys/index.js';
export { migrateCommand } from './department/migrate-command.js';
export { DepartmentModule, DEPARTMENT_RUNTIME } from './department/department.module.js';
export { bootstrapDepartment, startDepartment, type RunningDepartment } from './department/bootstrap-department.js';
export { httpsOptionsOf, trustCertificateAuthority } from './http/https-server.js';
export { kitMigrations } from './migrations/index.js';
export {
  CurrentOperator,
  assertActsFor,
  assertOwnedBy,
  Public,
  Readers,
  Roles,
  Writers,
  type AuthenticatedRequest,
} from './auth/access.decorators.js';
export { AuthGuard, TOKEN_STORE } from './auth/auth.guard.js';
export { ScopeRule, seesEveryOwner, type EntryScope } from './scope/entry-scope.js';
export { SCOPE_RULE } from './scope/scope-rule.token.js';
export { ROLES, bearerToken, departmentOfToken, hashToken, type Operator, type Role } from './auth/operator-token.js';
export {
  TokenStore,
  type IssuedToken,
  type TokenCheck,
  type TokenLedger,
  type TokenRecord,
} from './auth/token-store.js';
export { openTokenLedger, type ToolIdentity, type ToolTokens } from './auth/token-ledger-connection.js';
export { tokenAggregate } from './auth/token-aggregate.js';
export { OPERATOR_ID } from './auth/tokens.controller.js';
export { type Aggregate, type DomainEvent, type LedgerPosition } from './commands/aggregate.js';
export { STATE_DISAGREES } from './commands/ledger-state.js';
export { CommandRunner, requestDigest, type CommandOptions, type CommandOutcome } from './commands/command-runner.js';
export { COMMANDS } from './commands/commands.token.js';
export { causeOf, reaction, type Cause, type ReactionContext, type ReactionDefinition } from './reactions/reaction.js';
export { DepartmentMetrics } from './metrics/department-metrics.js';
export { CommandContext, CommandRoute, commandAnswer, type CommandRequest } from './http/command-request.js';
export { invalidRequest, schemaValidationPipe } from './http/validation.js';
export { grantAggregate } from './access/grant-aggregate.js';
export { authorizeQuery } from './queries/query-grants.js';
export { recordAggregate } from './commands/record-aggregate.js';
export { witnessAggregate } from './witness/witness-reaction.js';
export {
  CheckpointWitness,
  checkpointOriginPrefix,
  chainOfOrigin,
  judgeCheckpoint,
  latestWitnessState,
  originOf,
  type Judgement,
  type WitnessState,
} from './witness/checkpoints/index.js';
export {
  ReceiptBuilder,
  type AnchorSummary,
  type ReceiptBuilderOptions,
  type ReceiptResult,
} from './receipts/receipt-builder.js';
export { askNotaryForCosignatures, cosignaturesQuery, COSIGNATURES_QUERY } from './receipts/cosignatures-query.js';
export { BrokerSteward, type BrokerStewardOptions } from './broker/broker-steward.js';
export { recoverLedger, RecoveryRefused, type RecoveryReport } from './recovery/recover-ledger.js';
export { topicSource, type RecoverySource, type SourceRecord } from './recovery/recovery-source.js';
export { mirrorSource, type MirrorCoverage } from './recovery/mirror-source.js';
export { signMirrorRequest, verifyMirrorRequest, MIRROR_REQUEST_HEADER } from './mirror/mirror-request.js';
export { PublishedWatch } from './commands/published-ack.js';
export { askDepartment, type ProbeAnswer } from './http/ask-department.js';
export {
  departmentUrls,
  httpServerProblems,
  httpServerShape,
  pemCertificateFile,
  type HttpServerConfig,
} from './http/http-config.js';
export { serveHttp, type ServedHttp } from './http/serve-http.js';
export { FixedWindowLimiter } from './http/fixed-window-limiter.js';
export { PUBLIC_RATE_LIMIT, PublicRateLimitGuard } from './http/public-rate-limit.guard.js';
export { AUDIT_LOG, AuditLog, type AuditEvent, type AuditKind, type AuditRecord } from './audit/audit-log.js';
export { PersonalData, personalFieldsOfEntries, type PersonalDataRead } from './audit/personal-data.js';
export {
  OidcVerifier,
  identitySettings,
  identityShape,
  oidcActor,
  operatorOfClaims,
  verifyAccessToken,
  type IdentitySettings,
} from './identity/index.js';
