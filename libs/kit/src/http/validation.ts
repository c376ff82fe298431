import { StandardSchemaValidationPipe } from '@nestjs/common';
import type { StandardSchemaV1 } from '@standard-schema/spec';

import { ProblemError } from '../problems/problem-details.js';

function fieldOf(issue: StandardSchemaV1.Issue): string {
  const path = (issue.path ?? []).map((segment) =>
    typeof segment === 'object' && segment !== null && 'key' in segment ? String(segment.key) : String(segment),
  );
  return path.join('.') || '(body)';
}

/** The first problems of a request, field by field (RFC 9457 with an `errors` extension). */
export function invalidRequest(issues: readonly StandardSchemaV1.Issue[]): ProblemError {
  const errors = issues.slice(0, 50).map((issue) => {
    const keys = (issue as { keys?: unknown }).keys;
    // Zod reports unknown fields as one issue with their names; name each of them.
    if (Array.isArray(keys) && keys.length > 0) {
      const base = fieldOf(issue);
      return keys.map((key) => ({
        field: base === '(body)' ? String(key) : `${base}.${String(key)}`,
        reason: 'is not a known field',
      }));
    }
    return [{ field: fieldOf(issue), reason: issue.message }];
  });
  const flat = errors.flat();
  return new ProblemError(
    400,
    'REQUEST.INVALID',
    'The request is not valid',
    flat.map((e) => `${e.field}: ${e.reason}`).join('; '),
    flat,
  );
}

/**
 * Validates every `@Body/@Query/@Param({ schema })` with its Standard Schema
 * (zod here) and answers problem+json naming each wrong field.
 */
export const schemaValidationPipe = () =>
  new StandardSchemaValidationPipe({ exceptionFactory: (issues) => invalidRequest(issues) });
