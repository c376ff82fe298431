import { ROLES, type Operator, type Role } from '../auth/operator-token.js';
import type { IdentitySettings } from './identity-config.js';

/** What a verified access token says about who calls, or why it does not make an operator of this register. */
export type OperatorVerdict =
  { ok: true; operator: Operator; multiFactor: boolean } | { ok: false; code: 'AUTH.FORBIDDEN'; detail: string };

const SCOPE = /^[a-z][a-z0-9._:-]{0,99}$/;

/** `oidc:<alias>:<sub>`: the envelope's actor — stable and pseudonymous; the person's name lives elsewhere. */
export function oidcActor(alias: string, sub: string): string {
  return `oidc:${alias}:${sub}`;
}

const strings = (value: unknown): string[] | undefined =>
  typeof value === 'string'
    ? value.split(' ').filter(Boolean)
    : Array.isArray(value) && value.every((item) => typeof item === 'string')
      ? (value as string[])
      : undefined;

/**
 * RFC 9068 §2.2.3.1 and §7.2: the department, role and scope come from the
 * claims the configuration names; a token for another department, without
 * exactly one role of ours, or with a malformed scope is refused (403: the
 * caller is known, the permission is not there). Whether the sign-in was
 * multi-factor is read from `acr`/`amr` against the configured values.
 */
export function operatorOfClaims(
  claims: Record<string, unknown>,
  settings: Pick<IdentitySettings, 'alias' | 'claims' | 'mfa'>,
  department: string,
): OperatorVerdict {
  const refuse = (detail: string) => ({ ok: false as const, code: 'AUTH.FORBIDDEN' as const, detail });
  const actor = oidcActor(settings.alias, String(claims.sub));
  const tokenDepartment = claims[settings.claims.department];
  if (typeof tokenDepartment !== 'string')
    return refuse(`the token names no department (claim '${settings.claims.department}')`);
  if (tokenDepartment !== department)
    return refuse(
      `this is a token of department '${tokenDepartment}'; the ${department} register accepts only its own operators`,
    );
  const named = strings(claims[settings.claims.role]);
  if (named === undefined) return refuse(`the token names no role (claim '${settings.claims.role}')`);
  const roles = [...new Set(named.filter((role): role is Role => (ROLES as readonly string[]).includes(role)))];
  if (roles.length !== 1)
    return refuse(
      roles.length === 0
        ? `the token's '${settings.claims.role}' holds none of the roles ${ROLES.join(', ')}`
        : `the token's '${settings.claims.role}' holds several roles (${roles.join(', ')}); an operator acts in one`,
    );
  const scope = claims[settings.claims.scope];
  if (scope !== undefined && (typeof scope !== 'string' || !SCOPE.test(scope)))
    return refuse(`the token's '${settings.claims.scope}' is not an id such as "bank:alpha"`);
  const amr = strings(claims.amr) ?? [];
  const multiFactor =
    (typeof claims.acr === 'string' && settings.mfa.acr.includes(claims.acr)) ||
    amr.some((method) => settings.mfa.amr.includes(method));
  return {
    ok: true,
    multiFactor,
    operator: {
      tokenId: typeof claims.jti === 'string' ? claims.jti : actor,
      operator: actor,
      department,
      role: roles[0]!,
      scope: typeof scope === 'string' ? scope : null,
    },
  };
}
