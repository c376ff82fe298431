import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { DomainError } from '@registry-bus/domain';
import { LedgerError, LedgerErrorCode } from '@registry-bus/ledger';
import { ProtocolError } from '@registry-bus/protocol';
import type { Request, Response } from 'express';
import { ZodError } from 'zod';

import { PROBLEM_CONTENT_TYPE, ProblemError, problem } from './problem-details.js';

function ledgerStatus(code: LedgerErrorCode): number {
  switch (code) {
    case LedgerErrorCode.NOT_FOUND:
      return 404;
    case LedgerErrorCode.INVALID:
      return 400;
    case LedgerErrorCode.IDEMPOTENCY_CONFLICT:
      return 409;
    case LedgerErrorCode.EMPTY_DECISION:
      return 422;
    case LedgerErrorCode.UNAVAILABLE:
    case LedgerErrorCode.CLOSED:
      return 503;
    default: {
      const unreachable: never = code;
      return unreachable;
    }
  }
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTCONN', '57P01', '57P03']);

/**
 * A failure to reach Postgres rather than a bug: a refused or reset
 * connection, a pool that cannot connect, a server shutting down, or a
 * connection-class SQLSTATE (08xxx). Walks the causes TypeORM and pg wrap.
 */
export function databaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown };
    const code = typeof candidate.code === 'string' ? candidate.code : '';
    if (CONNECTION_CODES.has(code) || code.startsWith('08')) return true;
    if (
      typeof candidate.message === 'string' &&
      /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED/.test(
        candidate.message,
      )
    )
      return true;
    current = candidate.driverError ?? candidate.cause;
  }
  return false;
}

/** Turns any error into a ProblemError: the one place transports learn how to speak about failures. */
export function toProblem(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof ZodError) {
    const errors = error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({
            field: [...issue.path.map(String), key].join('.'),
            reason: 'is not a known field',
          }))
        : [{ field: issue.path.map(String).join('.') || '(body)', reason: issue.message }],
    );
    return new ProblemError(
      400,
      'REQUEST.INVALID',
      'The request is not valid',
      errors.map((e) => `${e.field}: ${e.reason}`).join('; '),
      errors,
    );
  }
  if (error instanceof LedgerError) {
    const field = typeof error.detail.field === 'string' ? error.detail.field : undefined;
    return new ProblemError(
      ledgerStatus(error.code),
      error.code,
      error.code.replace('LEDGER.', '').replace(/_/g, ' ').toLowerCase(),
      error.message,
      field ? [{ field, reason: error.message }] : undefined,
    );
  }
  if (error instanceof ProtocolError) {
    return new ProblemError(
      422,
      error.code,
      'The entry breaks the protocol',
      error.message,
      error.attribute ? [{ field: error.attribute, reason: error.reason }] : undefined,
    );
  }
  if (error instanceof DomainError) {
    const status = { 'not-found': 404, invalid: 422, forbidden: 403, conflict: 409 }[error.kind];
    return new ProblemError(
      status,
      error.code,
      error.kind === 'not-found' ? 'Not in the register' : 'The register refuses this',
      error.message,
      error.field ? [{ field: error.field, reason: error.message }] : undefined,
    );
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    // Our own validation answers with ProblemError; a bare 400 here is the body parser refusing the JSON.
    if (status === 400) {
      return new ProblemError(
        400,
        'REQUEST.MALFORMED',
        'The request body cannot be read',
        'the body is not valid JSON',
        [{ field: '(body)', reason: error.message.slice(0, 200) }],
      );
    }
    const code =
      status === 404
        ? 'HTTP.NOT_FOUND'
        : status === 401
          ? 'AUTH.UNAUTHENTICATED'
          : status === 403
            ? 'AUTH.FORBIDDEN'
            : status === 429
              ? 'HTTP.RATE_LIMITED'
              : status === 413
                ? 'HTTP.BODY_TOO_LARGE'
                : `HTTP.${status}`;
    const detail =
      status === 429 ? 'too many requests from this address to a public endpoint; wait a minute' : error.message;
    return new ProblemError(status, code, error.message, detail);
  }
  if (databaseUnavailable(error)) {
    return new ProblemError(
      503,
      'SERVICE.DATABASE_UNAVAILABLE',
      'Database unavailable',
      'the department’s database cannot be reached; nothing was acknowledged — retry later (with the same Idempotency-Key)',
    );
  }
  return new ProblemError(
    500,
    'INTERNAL',
    'Internal error',
    'the server failed; the error was logged and nothing was acknowledged',
  );
}

/** RFC 9457 problem+json for every error, with the field that was wrong where there is one. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(error: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request>();
    const response = context.getResponse<Response>();
    const mapped = toProblem(error);
    if (mapped.status >= 500)
      this.logger.error(
        error instanceof Error ? error : String(error),
        error instanceof Error ? error.stack : undefined,
      );
    if (mapped.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    if (mapped.status === 503) response.setHeader('Retry-After', '2');
    response
      .status(mapped.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problem(mapped, request.originalUrl)));
  }
}
