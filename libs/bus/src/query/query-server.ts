import { withinSources, type AnswerSources, type GrantedFields, type QueryAuthorization } from '@registry-bus/access';
import { SignatureDomain, signMessage, verifyMessage, type Signer, type TrustBundle } from '@registry-bus/protocol';
import type { KafkaTransport, TransportConsumer, TransportProducer } from '../transport/kafka-transport.js';

import { departmentGroups, repliesTopic, requestsTopic } from '../topics/topic-names.js';
import { joinedGroup } from './joined-group.js';
import {
  QueryCode,
  readSignedMessage,
  type QueryReply,
  type QueryRequest,
  type SealedQueryReply,
} from './query-messages.js';

/** One question a register answers. */
export interface QueryHandler {
  name: string;
  /** The event type whose grants let the question be asked at all: no grant on it, no answer. */
  eventType: string;
  /**
   * Where each field of the answer comes from (entry type and field path):
   * the answer keeps a field only when the grants on each of its sources
   * cover that path (libs/access withinSources); an undeclared field is never given.
   */
  sources: AnswerSources;
  /** Checks the parameters; throws an Error whose message says what is wrong. */
  parseParams(params: Record<string, unknown>): Record<string, unknown>;
  /** The answer, or undefined when there is nothing (a 404 for the asker). */
  answer(params: Record<string, unknown>): Promise<Record<string, unknown> | undefined>;
}

/**
 * A question that judges its asker itself, entry by entry, instead of by
 * one event type's grants as they stand now: the key release (issue #28)
 * gives keys by the grants at each entry's position in the chain.
 */
export interface SelfJudgingQueryHandler {
  name: string;
  /** Checks the parameters; throws an Error whose message says what is wrong. */
  parseParams(params: Record<string, unknown>): Record<string, unknown>;
  /** The answer for this asker with what it holds (audited as the answer's `fields`), or undefined for a 404. */
  answerFor(
    requester: string,
    params: Record<string, unknown>,
  ): Promise<{ answer: Record<string, unknown>; fields: string[] } | undefined>;
}

export interface QueryAuditRecord {
  requestId: string;
  requester: string;
  query: string;
  params: Record<string, unknown>;
  outcome: 'answered' | 'refused';
  fields: string[];
  code?: string;
  reason?: string;
}

export interface QueryServerOptions {
  kafka: KafkaTransport;
  department: string;
  namespace: string;
  signer: Signer;
  trustBundle: () => TrustBundle;
  verify: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;
  handlers: Array<QueryHandler | SelfJudgingQueryHandler>;
  /** What the grants this department gave allow `requester` of `eventType`, now. */
  authorize(requester: string, eventType: string): Promise<QueryAuthorization>;
  /** Every verified query, answered or refused, is audited. */
  audit(record: QueryAuditRecord): Promise<void>;
  /**
   * Seals an answer to its asker (issue #28: no plaintext on the reply
   * topic); throws when the asker has no encryption key (the query then
   * fails). Without it answers travel in clear.
   */
  sealAnswer?: (asker: string, requestId: string, answer: Record<string, unknown>) => Promise<unknown>;
  onError?: (error: unknown) => void;
}

/**
 * Answers other departments' signed queries on `gov.<self>.requests`, only
 * within the grants this department gave the asker, each reply signed and
 * sent to `gov.<asker>.replies`, each query audited. A request whose
 * signature does not verify is dropped (there is no one to answer).
 */
export class QueryServer {
  private consumer: TransportConsumer | undefined;
  private producer: TransportProducer | undefined;
  private readonly handlers: Map<string, QueryHandler | SelfJudgingQueryHandler>;

  constructor(private readonly options: QueryServerOptions) {
    this.handlers = new Map(options.handlers.map((handler) => [handler.name, handler]));
  }

  async start(): Promise<void> {
    const { kafka, department, namespace } = this.options;
    this.producer = kafka.producer({ idempotent: true });
    await this.producer.connect();
    this.consumer = kafka.consumer({ groupId: departmentGroups(department, namespace).queries });
    await this.consumer.connect();
    const joined = joinedGroup(this.consumer);
    await this.consumer.subscribe([requestsTopic(department, namespace)], { fromBeginning: false });
    await this.consumer.runMessages(async (message) => {
      try {
        await this.handle(message.value);
      } catch (error) {
        this.options.onError?.(error);
      }
    });
    // Requests sent before the group has its partition would be skipped ("latest" offset): wait for it.
    await joined;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  /** Verifies, authorizes, answers and audits one request (exposed for tests). */
  async handle(value: Buffer | null): Promise<SealedQueryReply | undefined> {
    let request: QueryRequest;
    try {
      const signed = readSignedMessage<QueryRequest>(value, 'a query');
      request = verifyMessage(SignatureDomain.QUERY, signed, this.options.trustBundle(), this.options.verify);
      if (signed.department !== request.from) throw new Error('signed by another department than the asker');
    } catch (error) {
      this.options.onError?.(error);
      return undefined;
    }
    if (request.to !== this.options.department) return undefined;
    const result = await this.sealed(request, await this.answer(request));
    const reply: SealedQueryReply = {
      v: 1,
      id: request.id,
      from: this.options.department,
      to: request.from,
      answeredAt: new Date().toISOString(),
      result,
    };
    await this.options.audit({
      requestId: request.id,
      requester: request.from,
      query: request.query,
      params: request.params,
      outcome: result.ok ? 'answered' : 'refused',
      fields: result.ok ? (result.fields === '*' ? ['*'] : result.fields) : [],
      ...(result.ok ? {} : { code: result.code, reason: result.reason }),
    });
    const signed = await signMessage(SignatureDomain.QUERY_REPLY, reply, this.options.department, this.options.signer);
    await this.producer!.send(repliesTopic(request.from, this.options.namespace), [
      { key: request.id, value: JSON.stringify(signed) },
    ]);
    return reply;
  }

  /** The answer sealed to its asker, when this server seals: what the reply carries. */
  private async sealed(request: QueryRequest, result: QueryReply['result']): Promise<SealedQueryReply['result']> {
    const { sealAnswer } = this.options;
    if (!sealAnswer || !result.ok) return result;
    try {
      return { ok: true, fields: result.fields, sealed: await sealAnswer(request.from, request.id, result.answer) };
    } catch (error) {
      return {
        ok: false,
        code: QueryCode.FAILED,
        reason: `the answer could not be sealed to ${request.from}: ${error instanceof Error ? error.message : String(error)}`,
      };
    }
  }

  private async answer(request: QueryRequest): Promise<QueryReply['result']> {
    if (Date.parse(request.expiresAt) < Date.now()) {
      return { ok: false, code: QueryCode.EXPIRED, reason: 'the query expired before it was answered' };
    }
    const handler = this.handlers.get(request.query);
    if (!handler) {
      return {
        ok: false,
        code: QueryCode.UNKNOWN_QUERY,
        reason: `${this.options.department} answers no query '${request.query}' (it answers: ${[...this.handlers.keys()].join(', ') || 'none'})`,
      };
    }
    if ('answerFor' in handler) return this.answerItself(handler, request);
    const authorization = await this.options.authorize(request.from, handler.eventType);
    if (authorization.kind === 'deny') return { ok: false, code: QueryCode.NOT_GRANTED, reason: authorization.reason };
    const parsed = parsedParams(handler, request);
    if ('refused' in parsed) return parsed.refused;
    const { params } = parsed;
    try {
      const answer = await handler.answer(params);
      if (!answer) return notFound(params);
      const granted = new Map<string, GrantedFields>([[handler.eventType, authorization.fields]]);
      for (const type of new Set(Object.values(handler.sources).flatMap((sources) => sources.map((s) => s.type)))) {
        if (granted.has(type)) continue;
        const covering = await this.options.authorize(request.from, type);
        granted.set(type, covering.kind === 'allow' ? covering.fields : []);
      }
      const built = withinSources(answer, handler.sources, (type) => granted.get(type) ?? []);
      return { ok: true, fields: built.given, answer: built.answer };
    } catch (error) {
      return this.failed(error);
    }
  }

  private async answerItself(handler: SelfJudgingQueryHandler, request: QueryRequest): Promise<QueryReply['result']> {
    const parsed = parsedParams(handler, request);
    if ('refused' in parsed) return parsed.refused;
    try {
      const answered = await handler.answerFor(request.from, parsed.params);
      if (!answered) return notFound(parsed.params);
      return { ok: true, fields: answered.fields, answer: answered.answer };
    } catch (error) {
      return this.failed(error);
    }
  }

  private failed(error: unknown): QueryReply['result'] {
    this.options.onError?.(error);
    return { ok: false, code: QueryCode.FAILED, reason: 'the register failed to answer; the error was logged' };
  }
}

/** The request's parameters as the handler reads them, or the refusal saying what is wrong. */
function parsedParams(
  handler: Pick<QueryHandler, 'parseParams'>,
  request: QueryRequest,
): { params: Record<string, unknown> } | { refused: QueryReply['result'] } {
  try {
    return { params: handler.parseParams(request.params) };
  } catch (error) {
    return {
      refused: {
        ok: false,
        code: QueryCode.BAD_PARAMS,
        reason: error instanceof Error ? error.message : String(error),
      },
    };
  }
}

const notFound = (params: Record<string, unknown>): QueryReply['result'] => ({
  ok: false,
  code: QueryCode.NOT_FOUND,
  reason: `nothing answers ${JSON.stringify(params)}`,
});
