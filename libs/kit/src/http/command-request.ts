import { HttpCode, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { toHex } from '@registry-bus/protocol';

import { Roles, Writers, type AuthenticatedRequest } from '../auth/access.decorators.js';
import type { Operator, Role } from '../auth/operator-token.js';
import type { CommandOptions, CommandOutcome } from '../commands/command-runner.js';
import { ProblemError } from '../problems/problem-details.js';

const KEY = /^[\x21-\x7e]{1,200}$/;

export interface CommandRequest extends CommandOptions {
  operator: Operator;
}

/**
 * What a command needs from its HTTP request: the operator (the envelope's
 * actor) and the `Idempotency-Key`, scoped to the operator so two clerks
 * can never collide, and bound to method, path and body so one key cannot
 * be reused for another request.
 */
export const CommandContext = createParamDecorator((_data: unknown, context: ExecutionContext): CommandRequest => {
  const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
  const operator = request.operator;
  if (!operator) throw new Error('CommandContext used on a route without an operator (mark it @CommandRoute())');
  const header = request.headers['idempotency-key'];
  const key = Array.isArray(header) ? header[0] : header;
  if (key !== undefined && !KEY.test(key)) {
    throw new ProblemError(
      400,
      'REQUEST.INVALID',
      'The request is not valid',
      'Idempotency-Key: must be 1 to 200 visible ASCII characters',
      [{ field: 'Idempotency-Key', reason: 'must be 1 to 200 visible ASCII characters' }],
    );
  }
  return {
    operator,
    actor: operator.operator,
    origin: 'http',
    ...(key
      ? {
          idempotencyKey: `http:${operator.operator}:${key}`,
          request: { method: request.method, path: request.path, body: (request.body as unknown) ?? null },
        }
      : {}),
  };
});

/**
 * A command route, documented with its Idempotency-Key header, 201 on
 * success: clerks and admins unless other roles are named (one place sets
 * the roles — a separate @Roles would be overwritten by the decorator order).
 */
export const CommandRoute = (...roles: Role[]) =>
  applyDecorators(
    roles.length > 0 ? Roles(...roles) : Writers(),
    ApiBearerAuth(),
    HttpCode(201),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'Retry with the same key and body to get the first answer back; nothing is recorded twice.',
    }),
  );

/** The answer to a command: what was appended (or, for a retried key, what had been). */
export function commandAnswer<S>(outcome: CommandOutcome<S>, response: Response) {
  if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
  return {
    subject: outcome.subject,
    replayed: outcome.replayed,
    entries: outcome.entries.map((entry) => ({
      chain: entry.chain,
      seq: entry.seq,
      id: entry.id,
      type: entry.type,
      time: entry.time,
      hash: toHex(entry.hash),
    })),
    ...(outcome.result !== undefined ? { state: outcome.result } : {}),
  };
}
