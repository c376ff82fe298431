import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { assertNever } from '@registry-bus/domain';
import type { Request } from 'express';

import { AUDIT_LOG, type AuditLog } from '../audit/audit-log.js';
import { IDENTITY_METRICS, OIDC_VERIFIER } from '../identity/index.js';
import type { IdentityMetrics } from '../identity/identity-metrics.js';
import type { OidcVerifier } from '../identity/oidc-verifier.js';
import { KeySourceUnavailable } from '../identity/access-token.js';
import { ProblemError } from '../problems/problem-details.js';
import { ACCESS_METADATA, type Access, type AuthenticatedRequest } from './access.decorators.js';
import { bearerToken, departmentOfToken, type Operator, type Role } from './operator-token.js';
import type { TokenCheck, TokenStore } from './token-store.js';

export const TOKEN_STORE = Symbol('TOKEN_STORE');

const ADMIN_ONLY: Access = { kind: 'roles', roles: ['admin'] };

/** The roles that write; a route open to these alone needs a multi-factor sign-in from an OpenID operator. */
const WRITE_ROLES: readonly Role[] = ['admin', 'clerk'];

/** Why a request was a 401 (a bounded label of the metric), with what it is told. */
class Unauthenticated extends ProblemError {
  constructor(
    readonly reason: string,
    detail: string,
  ) {
    super(401, 'AUTH.UNAUTHENTICATED', 'Authentication required', detail, undefined, {});
  }
}

const unauthenticated = (reason: string, detail: string) => new Unauthenticated(reason, detail);

const forbidden = (detail: string, code = 'AUTH.FORBIDDEN') => new ProblemError(403, code, 'Not allowed', detail);

/**
 * Every route is closed unless it says otherwise: `@Public()` opens it,
 * `@Roles(...)` names who may call it, and no marking means admins only.
 * Two kinds of bearer token: an RFC 9068 JWT access token of the state's
 * OpenID provider (operators, when OIDC_ISSUER is set), or an opaque
 * Registry Bus token (service accounts and the break-glass admin).
 * Failures are problem+json: 401 (no, unknown, expired or revoked token, a
 * token whose row its ledger entries do not give, a JWT that does not verify) or 403 (a token of another department, a role
 * that may not do this, a write without multi-factor sign-in). Every 403
 * goes on the audit record; a 401 only to the log and a metric.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Optional() @Inject(OIDC_VERIFIER) private readonly identity?: OidcVerifier | null,
    @Optional() @Inject(AUDIT_LOG) private readonly audit?: AuditLog | null,
    @Optional() @Inject(IDENTITY_METRICS) private readonly metrics?: IdentityMetrics | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const access =
      this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [
        context.getHandler(),
        context.getClass(),
      ]) ?? ADMIN_ONLY;
    if (access.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const caller: { operator?: Operator } = {};
    try {
      request.operator = await this.authorize(request, access, caller);
      return true;
    } catch (error) {
      if (error instanceof Unauthenticated) {
        this.metrics?.unauthenticated.inc({ reason: error.reason });
        this.logger.log(`401 ${request.method} ${routeOf(request)}: ${error.reason} (${request.ip ?? 'no address'})`);
      } else if (error instanceof ProblemError && error.status === 403) {
        // Nothing was done, so a refusal answers 403 even when its record fails; the failure is logged loudly.
        await this.audit
          ?.record({
            kind: 'refused',
            operator: caller.operator?.operator ?? 'unidentified',
            role: caller.operator?.role ?? null,
            method: request.method,
            route: routeOf(request),
            status: 403,
            code: error.code,
            detail: error.message,
          })
          .catch((failure: unknown) => this.logger.error(`a 403 could not be audited: ${String(failure)}`));
      }
      throw error;
    }
  }

  private async authorize(
    request: Request,
    access: Access & { kind: 'roles' },
    caller: { operator?: Operator },
  ): Promise<Operator> {
    const bearer = bearerToken(request.headers.authorization);
    if ('missing' in bearer) throw unauthenticated('no-token', bearer.missing);
    const tokenDepartment = departmentOfToken(bearer.token);
    if (this.identity?.judges(bearer.token, tokenDepartment !== undefined))
      return this.authorizeJwt(bearer.token, access, caller);
    if (!tokenDepartment) throw unauthenticated('not-a-token', 'the bearer token is not a Registry Bus operator token');
    if (tokenDepartment !== this.tokens.department) {
      throw forbidden(
        `this is a token of department '${tokenDepartment}'; the ${this.tokens.department} register accepts only its own operators`,
      );
    }
    const checked = await this.tokens.check(bearer.token);
    if (!checked.ok) throw unauthenticated(checked.reason, refusalDetail(checked));
    const { operator } = checked;
    caller.operator = operator;
    if (!access.roles.includes(operator.role)) {
      throw forbidden(`role '${operator.role}' may not do this; it needs one of: ${access.roles.join(', ')}`);
    }
    return operator;
  }

  /** An operator signed in by the OpenID provider: the token verified (or introspected), the claims read, MFA for writes. */
  private async authorizeJwt(
    token: string,
    access: Access & { kind: 'roles' },
    caller: { operator?: Operator },
  ): Promise<Operator> {
    let authentication;
    try {
      authentication = await this.identity!.authenticate(token);
    } catch (error) {
      if (!(error instanceof KeySourceUnavailable)) throw error;
      this.logger.warn(`the OpenID provider is out of reach: ${error.message}`);
      throw new ProblemError(
        503,
        'AUTH.PROVIDER_UNAVAILABLE',
        'Sign-in provider unavailable',
        'the identity provider cannot be reached (its signing keys or its introspection endpoint); retry shortly',
      );
    }
    if (!authentication.ok) {
      if (authentication.status === 401) throw unauthenticated(`jwt-${authentication.refusal}`, authentication.detail);
      throw forbidden(authentication.detail);
    }
    const { operator, multiFactor } = authentication;
    caller.operator = operator;
    if (!access.roles.includes(operator.role))
      throw forbidden(`role '${operator.role}' may not do this; it needs one of: ${access.roles.join(', ')}`);
    if (!multiFactor && access.roles.every((role) => WRITE_ROLES.includes(role)))
      throw forbidden(
        'this needs a multi-factor sign-in (acr/amr); sign in again with a second factor',
        'AUTH.MFA_REQUIRED',
      );
    return operator;
  }
}

/** What a 401 tells the caller of a token the store refused. */
function refusalDetail(refused: Exclude<TokenCheck, { ok: true }>): string {
  switch (refused.reason) {
    case 'unknown':
      return 'the token is not known here';
    case 'expired':
      return 'the token has expired; ask an admin for a new one';
    case 'revoked':
      return 'the token was revoked';
    case 'disagrees-with-ledger':
      // A row the ledger does not give: rewritten behind the trigger's back (GET /v1/ledger/verify names it).
      return `the token's record disagrees with the ledger: ${refused.detail}`;
    default:
      return assertNever(refused, 'token refusal');
  }
}

/** The route's pattern, never the raw path (which may carry personal ids), for the log and the audit. */
export function routeOf(request: Request): string {
  const route = (request.route as { path?: string } | undefined)?.path;
  return route ? `${request.baseUrl}${route}` : request.path;
}
