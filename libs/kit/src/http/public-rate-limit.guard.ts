import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';

import { ACCESS_METADATA, type Access } from '../auth/access.decorators.js';
import { ProblemError } from '../problems/problem-details.js';
import type { FixedWindowLimiter } from './fixed-window-limiter.js';

export const PUBLIC_RATE_LIMIT = Symbol('PUBLIC_RATE_LIMIT');

/**
 * Rate-limits the public routes (signed head, receipts, lookups, health) per
 * client address; routes behind a token are accountable to the token's
 * holder instead. Over the limit: 429 problem+json with Retry-After.
 * (@nestjs/throttler is CommonJS over an ESM-only Nest 12 and does not load
 * under Jest's ESM runtime; this is the small part of it we need.)
 */
@Injectable()
export class PublicRateLimitGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PUBLIC_RATE_LIMIT) private readonly limiter: FixedWindowLimiter,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access?.kind !== 'public') return true;
    const request = context.switchToHttp().getRequest<Request>();
    const verdict = this.limiter.take(request.ip ?? request.socket.remoteAddress ?? 'unknown');
    if (verdict.allowed) return true;
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(verdict.retryAfterSeconds));
    throw new ProblemError(
      429,
      'HTTP.RATE_LIMITED',
      'Too many requests',
      `more than ${this.limiter.limit} requests a minute from this address to public endpoints; retry in ${verdict.retryAfterSeconds} s`,
    );
  }
}
