import { QueryClient, QueryServer, type QueryHandler, type SelfJudgingQueryHandler } from '@registry-bus/bus';
import type { Logger } from '@registry-bus/logging';
import {
  encryptionKeyOf,
  openAnswer,
  sealAnswer,
  verifyEd25519Node,
  type LoadedEncryptionKey,
  type Signer,
  type TrustBundle,
} from '@registry-bus/protocol';
import type { KafkaTransport } from '@registry-bus/bus';
import type { DataSource } from 'typeorm';

import { authorizeQuery } from '../../../queries/query-grants.js';

export interface AnsweringOptions {
  department: string;
  namespace: string;
  signer: Signer;
  trustBundle: () => TrustBundle;
  /** Control entries (anchors, cosignatures) reach every consumer: a question about them is open to all. */
  isControl: (eventType: string) => boolean;
  /** This department's X25519 key pair: answers to it are sealed to it, and opened with it (issue #28). */
  encryptionKey: LoadedEncryptionKey;
}

/**
 * The answering part: the register answers other departments' questions
 * within the grants given to them (each answer audited), and asks theirs.
 */
export class Answering {
  /** Asks other departments' registers (POST /v1/queries/:department/:query). */
  readonly client: QueryClient;
  private server: QueryServer | undefined;
  private readonly startServer: () => QueryServer;

  constructor(
    kafka: KafkaTransport,
    dataSource: DataSource,
    options: AnsweringOptions,
    /** Asked for at start: the department's handlers may use anything the runtime holds. */
    handlers: () => Array<QueryHandler | SelfJudgingQueryHandler>,
    logger: Logger,
  ) {
    const { department } = options;
    const queryOptions = {
      department,
      namespace: options.namespace,
      signer: options.signer,
      trustBundle: options.trustBundle,
      verify: verifyEd25519Node,
      onError: (error: unknown) => logger.warn({ err: error }, 'query message refused'),
      kafka,
    };
    const { encryptionKey, trustBundle } = options;
    // Answers never sit readable on a reply topic (issue #28): sealed to the asker's key in the trust bundle.
    this.client = new QueryClient({
      ...queryOptions,
      openAnswer: (answerer, requestId, sealed) =>
        openAnswer(sealed, { asker: department, answerer, requestId }, encryptionKey),
    });
    this.startServer = () =>
      new QueryServer({
        ...queryOptions,
        handlers: handlers(),
        sealAnswer: (asker, requestId, answer) =>
          sealAnswer(
            { asker, answerer: department, requestId },
            encryptionKeyOf(trustBundle(), asker, new Date()),
            answer,
          ),
        authorize: (requester, eventType) =>
          options.isControl(eventType)
            ? Promise.resolve({ kind: 'allow', fields: '*' })
            : authorizeQuery(dataSource, department, requester, eventType),
        audit: async (record) => {
          await dataSource.query(
            `INSERT INTO query_audit (request_id, requester, query, params, outcome, fields, code, reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
            [
              record.requestId,
              record.requester,
              record.query,
              JSON.stringify(record.params),
              record.outcome,
              record.fields,
              record.code ?? null,
              record.reason ?? null,
            ],
          );
        },
      });
  }

  async start(): Promise<void> {
    this.server = this.startServer();
    await this.server.start();
    await this.client.start();
  }

  async stop(): Promise<void> {
    await this.client.stop();
    await this.server?.stop();
  }
}
