import { isProtocolError, parseStrictJson } from '@registry-bus/protocol';

import { ProblemError } from '../problems/problem-details.js';

/** What a department answered: status, headers that matter to the caller, and the body as JSON or text. */
export interface ProbeAnswer {
  status: number;
  retryAfter: string | null;
  contentType: string;
  body: unknown;
}

/**
 * Asks a department's app over HTTP(S) with a deadline: the portal relaying
 * what its pages read (they talk only to the portal's own origin), the
 * notary's operator view probing heads and metrics. A department that does
 * not answer is a 502 naming it, never a hang. `headers`: what the caller
 * passes on (the portal passes an operator's Authorization, nothing else).
 */
export async function askDepartment(
  department: string,
  base: string | undefined,
  path: string,
  timeoutMs = 4000,
  headers: Record<string, string> = {},
): Promise<ProbeAnswer> {
  if (!base) {
    throw new ProblemError(
      404,
      'RELAY.UNKNOWN_DEPARTMENT',
      'Unknown department',
      `no department '${department}' is known to this portal`,
      [{ field: 'department', reason: 'must be one of the departments this app knows the address of' }],
    );
  }
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new ProblemError(
      502,
      'RELAY.DEPARTMENT_UNREACHABLE',
      'Department did not answer',
      `the ${department} registry did not answer within ${timeoutMs} ms (${(error as Error).message})`,
    );
  }
  const contentType = response.headers.get('content-type') ?? '';
  const text = await response.text();
  let body: unknown = text;
  if (/json/.test(contentType)) {
    try {
      body = parseStrictJson(text, `the answer of the ${department} registry`);
    } catch (error) {
      // Passed on as it came, a body read two ways could show the page one thing and a verifier another.
      if (isProtocolError(error)) {
        throw new ProblemError(
          502,
          'RELAY.DEPARTMENT_MALFORMED',
          'Department answered malformed JSON',
          error.message,
          error.attribute ? [{ field: error.attribute, reason: error.reason }] : undefined,
        );
      }
      body = text;
    }
  }
  return { status: response.status, retryAfter: response.headers.get('retry-after'), contentType, body };
}
