import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';

import { ProblemError } from '../problems/problem-details.js';
import type { Operator, Role } from './operator-token.js';

export const ACCESS_METADATA = 'registry-bus:access';

export type Access = { kind: 'public' } | { kind: 'roles'; roles: readonly Role[] };

/** No token needed (signed head, receipts, public lookups); rate-limited per client address instead. */
export const Public = () => SetMetadata(ACCESS_METADATA, { kind: 'public' } satisfies Access);

/** Operators of this department with one of these roles. A route without Public or Roles is admin-only. */
export const Roles = (...roles: Role[]) => SetMetadata(ACCESS_METADATA, { kind: 'roles', roles } satisfies Access);

/** Every role may read: the ledger and the register's queries. */
export const Readers = () => Roles('admin', 'clerk', 'auditor');

/** Roles that write to the department's own register. */
export const Writers = () => Roles('admin', 'clerk');

export interface AuthenticatedRequest {
  operator?: Operator;
}

/** The operator the guard authenticated (undefined on public routes). */
export const CurrentOperator = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Operator | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().operator,
);

/**
 * An operator scoped to something inside the department (a bank's clerk, a
 * university's registrar) acts only for it. Admins and unscoped staff act
 * for all. Refusal is a 403 naming the field that pointed elsewhere.
 */
export function assertActsFor(operator: Operator, id: string, field: string): void {
  if (operator.role === 'admin' || operator.scope === null || operator.scope === id) return;
  throw new ProblemError(
    403,
    'AUTH.OUT_OF_SCOPE',
    'Not allowed',
    `${operator.operator} acts for ${operator.scope}, not for ${id}`,
    [{ field, reason: `must be ${operator.scope}, the one this operator acts for` }],
  );
}

/**
 * The same rule for a thing the operator named by its own id (a pledge, a
 * diploma): the refusal names the thing, never its owner, so asking is no
 * way to learn whose it is.
 */
export function assertOwnedBy(operator: Operator, owner: string, field: string, what: string): void {
  if (operator.role === 'admin' || operator.scope === null || operator.scope === owner) return;
  throw new ProblemError(
    403,
    'AUTH.OUT_OF_SCOPE',
    'Not allowed',
    `${operator.operator} acts for ${operator.scope}; ${what} is not its own`,
    [{ field, reason: `must be one of ${operator.scope}'s` }],
  );
}
