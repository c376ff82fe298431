import { parseStrictJsonBytes, type SignedMessage } from '@registry-bus/protocol';

/** A question one department asks another's register (signed by the asker). */
export interface QueryRequest {
  v: 1;
  id: string;
  from: string;
  to: string;
  query: string;
  params: Record<string, unknown>;
  sentAt: string;
  /** The asker stops waiting then; the answerer does not answer after it. */
  expiresAt: string;
}

/** The answer (signed by the answerer): within the grants it gave the asker, or why not. */
export interface QueryReply {
  v: 1;
  /** The request's id (the correlation id). */
  id: string;
  from: string;
  to: string;
  answeredAt: string;
  result:
    { ok: true; fields: '*' | string[]; answer: Record<string, unknown> } | { ok: false; code: string; reason: string };
}

/**
 * A reply as it travels: when the answerer seals its answers (issue #28),
 * the answer HPKE-sealed to the asker (libs/protocol `sealAnswer`); the
 * asker's client opens it before handing the reply on as a QueryReply.
 */
export interface SealedQueryReply extends Omit<QueryReply, 'result'> {
  result: QueryReply['result'] | { ok: true; fields: '*' | string[]; sealed: unknown };
}

export const QueryCode = {
  NOT_GRANTED: 'QUERY.NOT_GRANTED',
  UNKNOWN_QUERY: 'QUERY.UNKNOWN_QUERY',
  BAD_PARAMS: 'QUERY.BAD_PARAMS',
  NOT_FOUND: 'QUERY.NOT_FOUND',
  EXPIRED: 'QUERY.EXPIRED',
  FAILED: 'QUERY.FAILED',
  TIMEOUT: 'QUERY.TIMEOUT',
} as const;

/** A signed query or reply as it came off its topic, through the strict parser (verifyMessage checks the rest). */
export function readSignedMessage<T>(value: Uint8Array | null, what: 'a query' | 'a query reply'): SignedMessage<T> {
  return parseStrictJsonBytes(value ?? new Uint8Array(), what) as SignedMessage<T>;
}
