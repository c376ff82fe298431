import { isProtocolError, parseStrictJsonBytes } from '@registry-bus/protocol';
import type { NextFunction, Request, Response } from 'express';

import { ProblemError } from '../problems/problem-details.js';

/** What Nest's default JSON body parser took: application/json, at most 100 kB. */
export const JSON_BODY_TYPE = 'application/json';
export const JSON_BODY_LIMIT = '100kb';

function charsetOf(contentType: string): string | undefined {
  const match = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase();
}

/**
 * A JSON body read by the strict parser, as every other decode path is: the
 * raw bytes (the body parser gathered them under JSON_BODY_LIMIT) become
 * `req.body`, or the request ends in a 400 problem naming the offending key
 * (a duplicate, a `__proto__`) before any controller or validation runs, so
 * nothing is written. Like body-parser's strict mode, the top level must be
 * an object or an array, and an empty body is `{}`.
 */
export function strictJsonBody(request: Request, _response: Response, next: NextFunction): void {
  const body: unknown = request.body;
  if (!Buffer.isBuffer(body)) return next();
  const charset = charsetOf(request.headers['content-type'] ?? '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    return next(
      new ProblemError(
        415,
        'HTTP.UNSUPPORTED_MEDIA_TYPE',
        'Unsupported charset',
        `a JSON body is UTF-8, not ${charset}`,
      ),
    );
  }
  if (body.length === 0) {
    request.body = {};
    return next();
  }
  let value: unknown;
  try {
    value = parseStrictJsonBytes(body, 'the request body');
  } catch (error) {
    if (!isProtocolError(error)) return next(error);
    return next(
      new ProblemError(400, 'REQUEST.MALFORMED', 'The request body cannot be read', error.message, [
        { field: error.attribute ?? '(body)', reason: error.reason },
      ]),
    );
  }
  if (typeof value !== 'object' || value === null) {
    return next(
      new ProblemError(400, 'REQUEST.MALFORMED', 'The request body cannot be read', 'the body must be a JSON object', [
        { field: '(body)', reason: 'must be a JSON object or array' },
      ]),
    );
  }
  request.body = value;
  next();
}
