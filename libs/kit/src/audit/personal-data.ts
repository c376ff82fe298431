import {
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  Optional,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { EventTypeRegistry } from '@registry-bus/protocol';
import type { Request } from 'express';
import { type Observable, catchError, mergeMap } from 'rxjs';

import type { AuthenticatedRequest } from '../auth/access.decorators.js';
import { routeOf } from '../auth/auth.guard.js';
import { ProblemError } from '../problems/problem-details.js';
import { toProblem } from '../problems/problem-filter.js';
import { AUDIT_LOG, type AuditEvent, type AuditLog } from './audit-log.js';

export const PERSONAL_DATA_METADATA = 'registry-bus:personal-data';
export const EVENT_TYPES = Symbol('EVENT_TYPES');

/**
 * What a route answers of personal data: either the subject named by a
 * route parameter with the personal fields the answer holds, or ledger
 * entries (one, or a page of them), whose personal fields are those their
 * event types declare.
 */
export type PersonalDataRead = { subjectParam: string; fields: readonly string[] } | { entries: 'one' | 'page' };

/** Marks a route whose answer holds personal data: every answer to an operator goes on the read audit first. */
export const PersonalData = (read: PersonalDataRead) => SetMetadata(PERSONAL_DATA_METADATA, read);

interface PresentedEntry {
  envelope?: { type?: unknown; subject?: unknown };
  data?: { fields?: Record<string, unknown> } | null;
}

/** The subjects and personal fields of presented ledger entries (seq, envelope, data disclosure). */
export function personalFieldsOfEntries(
  entries: readonly PresentedEntry[],
  personalFieldsOf: (type: string) => readonly string[],
): Array<{ subject: string; fields: string[] }> {
  const bySubject = new Map<string, Set<string>>();
  for (const entry of entries) {
    const type = entry.envelope?.type;
    const subject = entry.envelope?.subject;
    const disclosed = entry.data?.fields;
    if (typeof type !== 'string' || typeof subject !== 'string' || !disclosed) continue;
    const personal = personalFieldsOf(type).filter((field) => field in disclosed);
    if (personal.length === 0) continue;
    const fields = bySubject.get(subject) ?? new Set<string>();
    for (const field of personal) fields.add(field);
    bySubject.set(subject, fields);
  }
  return [...bySubject].map(([subject, fields]) => ({ subject, fields: [...fields].sort() }));
}

/**
 * Puts every operator read of personal data on the audit record before the
 * answer leaves (a read that cannot be recorded is not answered: 503), and
 * every 403 a handler raises (out of scope, not granted).
 */
@Injectable()
export class ReadAuditInterceptor implements NestInterceptor {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AUDIT_LOG) private readonly audit: AuditLog,
    @Optional() @Inject(EVENT_TYPES) private readonly registry?: EventTypeRegistry,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const read = this.reflector.get<PersonalDataRead | undefined>(PERSONAL_DATA_METADATA, context.getHandler());
    const base = () => ({
      operator: request.operator?.operator ?? 'unidentified',
      role: request.operator?.role ?? null,
      method: request.method,
      route: routeOf(request),
    });
    return next.handle().pipe(
      mergeMap(async (answer: unknown) => {
        if (!read || !request.operator) return answer;
        const reads = this.readsOf(read, request, answer);
        try {
          for (const { subject, fields } of reads)
            await this.audit.record({ ...base(), kind: 'read', subject, fields, status: 200 } satisfies AuditEvent);
        } catch {
          throw new ProblemError(
            503,
            'AUDIT.UNAVAILABLE',
            'Audit unavailable',
            'the read could not be put on the audit record, so it is not answered; retry shortly',
          );
        }
        return answer;
      }),
      catchError(async (error: unknown) => {
        const problem = toProblem(error);
        // A refusal answers 403 even when its record fails (nothing was done); the guard logs the same case.
        if (problem.status === 403)
          await this.audit
            .record({ ...base(), kind: 'refused', status: 403, code: problem.code, detail: problem.message })
            .catch(() => undefined);
        throw error;
      }),
    );
  }

  private readsOf(
    read: PersonalDataRead,
    request: Request,
    answer: unknown,
  ): Array<{ subject: string; fields: string[] }> {
    if ('subjectParam' in read) {
      const subject = (request.params as Record<string, string | undefined>)[read.subjectParam];
      return subject === undefined ? [] : [{ subject, fields: [...read.fields] }];
    }
    const entries =
      read.entries === 'one'
        ? [answer as PresentedEntry]
        : (((answer as { entries?: unknown }).entries ?? []) as PresentedEntry[]);
    return personalFieldsOfEntries(entries, (type) => this.registry?.get(type)?.personalFields ?? []);
  }
}
