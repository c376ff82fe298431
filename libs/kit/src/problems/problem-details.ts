/**
 * RFC 9457 problem details. Every error an app answers has this shape, with
 * a stable `code` and, for bad input, the fields that were wrong and why.
 */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: Array<{ field: string; reason: string }>;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** `type` URIs name the code, so a client can switch on either. */
export function problemType(code: string): string {
  return `https://registry-bus.gov/problems/${code.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/** An error that knows its problem: thrown by controllers and domain services alike. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly errors?: Array<{ field: string; reason: string }>,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

export function problem(error: ProblemError, instance?: string): ProblemDetails {
  return {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(instance ? { instance } : {}),
    ...(error.errors ? { errors: error.errors } : {}),
    ...error.extensions,
  };
}
