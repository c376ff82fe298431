import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';

import { ProblemError } from '../problems/problem-details.js';
import { ACCESS_METADATA, type Access, type AuthenticatedRequest } from './access.decorators.js';
import { bearerToken, departmentOfToken } from './operator-token.js';
import type { TokenStore } from './token-store.js';

export const TOKEN_STORE = Symbol('TOKEN_STORE');

const ADMIN_ONLY: Access = { kind: 'roles', roles: ['admin'] };

const unauthenticated = (detail: string) =>
  new ProblemError(401, 'AUTH.UNAUTHENTICATED', 'Authentication required', detail, undefined, {});

const forbidden = (detail: string) => new ProblemError(403, 'AUTH.FORBIDDEN', 'Not allowed', detail);

/**
 * Every route is closed unless it says otherwise: `@Public()` opens it,
 * `@Roles(...)` names who may call it, and no marking means admins only.
 * Failures are problem+json: 401 (no, unknown, expired or revoked token) or
 * 403 (a token of another department, or a role that may not do this).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
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
    const bearer = bearerToken(request.headers.authorization);
    if ('missing' in bearer) throw unauthenticated(bearer.missing);
    const tokenDepartment = departmentOfToken(bearer.token);
    if (!tokenDepartment) throw unauthenticated('the bearer token is not a Registry Bus operator token');
    if (tokenDepartment !== this.tokens.department) {
      throw forbidden(
        `this is a token of department '${tokenDepartment}'; the ${this.tokens.department} register accepts only its own operators`,
      );
    }
    const checked = await this.tokens.check(bearer.token);
    if (!checked.ok) {
      throw unauthenticated(
        checked.reason === 'unknown'
          ? 'the token is not known here'
          : checked.reason === 'expired'
            ? 'the token has expired; ask an admin for a new one'
            : 'the token was revoked',
      );
    }
    const { operator } = checked;
    if (!access.roles.includes(operator.role)) {
      throw forbidden(`role '${operator.role}' may not do this; it needs one of: ${access.roles.join(', ')}`);
    }
    request.operator = operator;
    return true;
  }
}
