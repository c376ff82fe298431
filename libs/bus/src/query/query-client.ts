import { randomUUID } from 'node:crypto';

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

export interface QueryClientOptions {
  kafka: KafkaTransport;
  department: string;
  namespace: string;
  signer: Signer;
  trustBundle: () => TrustBundle;
  verify: (signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array) => boolean;
  /** Opens an answer sealed to this department (issue #28); a sealed answer without it fails the query. */
  openAnswer?: (answerer: string, requestId: string, sealed: unknown) => Promise<Record<string, unknown>>;
  onError?: (error: unknown) => void;
}

export class QueryError extends Error {
  override readonly name = 'QueryError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  to: string;
  resolve: (reply: QueryReply) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Asks another department's register: a signed request on
 * `gov.<to>.requests`, the answer awaited on `gov.<self>.replies` by its
 * correlation id, for at most `timeoutMs`. Replies are accepted only when
 * signed by the department asked.
 */
export class QueryClient {
  private consumer: TransportConsumer | undefined;
  private producer: TransportProducer | undefined;
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly options: QueryClientOptions) {}

  async start(): Promise<void> {
    const { kafka, department, namespace } = this.options;
    this.producer = kafka.producer({ idempotent: true });
    await this.producer.connect();
    this.consumer = kafka.consumer({ groupId: departmentGroups(department, namespace).replies });
    await this.consumer.connect();
    const joined = joinedGroup(this.consumer);
    await this.consumer.subscribe([repliesTopic(department, namespace)], { fromBeginning: false });
    await this.consumer.runMessages(async (message) => this.receive(message.value));
    // A reply sent before the group has its partition would be skipped ("latest" offset): wait for it.
    await joined;
  }

  async stop(): Promise<void> {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new QueryError(QueryCode.TIMEOUT, 'the department is shutting down'));
      this.pending.delete(id);
    }
    await this.consumer?.disconnect().catch(() => undefined);
    await this.producer?.disconnect().catch(() => undefined);
  }

  async ask(to: string, query: string, params: Record<string, unknown>, timeoutMs = 5000): Promise<QueryReply> {
    if (!this.producer) throw new QueryError(QueryCode.FAILED, 'the query client is not started');
    const now = Date.now();
    const request: QueryRequest = {
      v: 1,
      id: randomUUID(),
      from: this.options.department,
      to,
      query,
      params,
      sentAt: new Date(now).toISOString(),
      expiresAt: new Date(now + timeoutMs).toISOString(),
    };
    const signed = await signMessage(SignatureDomain.QUERY, request, this.options.department, this.options.signer);
    const reply = new Promise<QueryReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(request.id);
        reject(new QueryError(QueryCode.TIMEOUT, `${to} did not answer '${query}' within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(request.id, { to, resolve, reject, timer });
    });
    try {
      await this.producer.send(requestsTopic(to, this.options.namespace), [
        { key: request.id, value: JSON.stringify(signed) },
      ]);
    } catch (error) {
      // Never sent (Kafka away): nobody will await the reply, so it must not time out as an unhandled rejection.
      const pending = this.pending.get(request.id);
      if (pending) clearTimeout(pending.timer);
      this.pending.delete(request.id);
      reply.catch(() => undefined);
      throw error;
    }
    return reply;
  }

  private async receive(value: Buffer | null): Promise<void> {
    let reply: SealedQueryReply;
    let pending: Pending;
    try {
      const signed = readSignedMessage<SealedQueryReply>(value, 'a query reply');
      const found = this.pending.get(signed.message?.id);
      if (!found) return; // not ours, or too late
      reply = verifyMessage(SignatureDomain.QUERY_REPLY, signed, this.options.trustBundle(), this.options.verify);
      if (signed.department !== found.to || reply.from !== found.to || reply.to !== this.options.department) {
        throw new Error(`a reply to ${reply.id} came from ${signed.department}, not ${found.to}`);
      }
      pending = found;
    } catch (error) {
      // A forged or stray reply: the question still waits for the genuine one.
      this.options.onError?.(error);
      return;
    }
    clearTimeout(pending.timer);
    this.pending.delete(reply.id);
    try {
      pending.resolve(await this.opened(reply));
    } catch (error) {
      pending.reject(error as Error);
    }
  }

  /** A reply whose answer was sealed to this department, opened (the signature covered the sealed form). */
  private async opened(reply: SealedQueryReply): Promise<QueryReply> {
    const { result } = reply;
    if (!result.ok || !('sealed' in result)) return reply as QueryReply;
    if (!this.options.openAnswer)
      throw new QueryError(QueryCode.FAILED, `${reply.from} sealed its answer and this client opens none`);
    const answer = await this.options.openAnswer(reply.from, reply.id, result.sealed);
    return { ...reply, result: { ok: true, fields: result.fields, answer } };
  }
}
