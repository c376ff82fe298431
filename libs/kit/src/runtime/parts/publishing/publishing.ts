import { KafkaPublisher, chainDestination } from '@registry-bus/bus';
import { LedgerRelay, encodeStoredEntry, type LedgerRelayOptions } from '@registry-bus/ledger';
import type { Logger } from '@registry-bus/logging';
import type { KafkaTransport } from '@registry-bus/bus';
import type { DataSource } from 'typeorm';

import { PublishedWatch } from '../../../commands/published-ack.js';

export interface PublishingSettings {
  KAFKA_TOPIC_NAMESPACE: string;
  LEDGER_RELAY_LINGER_MS: number;
  LEDGER_ACK: string;
  LEDGER_ACK_TIMEOUT_MS: number;
}

/**
 * The publishing part: the relay puts each chain's committed entries on its
 * partition of the department's topic; with LEDGER_ACK=published a command
 * waits until its entry is there.
 */
export class Publishing {
  private readonly publisher: KafkaPublisher;
  /** The relay itself (the faults drill stops it: Kafka away, as far as acknowledging goes). */
  readonly relay: LedgerRelay;
  /** LEDGER_ACK=published: what the relay has published, per chain. */
  private readonly watches: Map<string, PublishedWatch> | undefined;

  constructor(
    kafka: KafkaTransport,
    dataSource: DataSource,
    chains: string[],
    settings: PublishingSettings,
    logger: Logger,
    /** Seals each batch's data (issue #28: DataKeys.encodeBatch); without it entries go as they are stored. */
    encodeBatch?: LedgerRelayOptions['encodeBatch'],
  ) {
    this.publisher = new KafkaPublisher(kafka);
    const relay = new LedgerRelay({
      dataSource,
      publisher: this.publisher,
      chains,
      // A shard is a partition of the department's topic: each chain in its own order.
      destination: (chain) => chainDestination(chain, settings.KAFKA_TOPIC_NAMESPACE),
      encode: encodeStoredEntry,
      ...(encodeBatch ? { encodeBatch } : {}),
      lingerMs: settings.LEDGER_RELAY_LINGER_MS,
      onError: (chain, error, retryInMs) =>
        logger.warn({ chain, retryInMs, err: error }, 'relay cannot publish; entries wait in the ledger'),
      onPublished: (chain, lastSeq) => this.watches?.get(chain)?.advanced(lastSeq),
    });
    this.relay = relay;
    this.watches =
      settings.LEDGER_ACK === 'published'
        ? new Map(
            chains.map((chain) => [
              chain,
              new PublishedWatch(async () => (await relay.publishedSeq(chain)) ?? 0, settings.LEDGER_ACK_TIMEOUT_MS),
            ]),
          )
        : undefined;
  }

  /** A chain has new committed entries. */
  readonly notify = (chain: string): void => this.relay.notify(chain);

  /** With LEDGER_ACK=published, waits until `seq` of `chain` is on the topic. */
  get waitPublished(): ((chain: string, seq: number) => Promise<void>) | undefined {
    const watches = this.watches;
    return watches ? (chain, seq) => watches.get(chain)!.wait(seq) : undefined;
  }

  async start(): Promise<void> {
    this.relay.start();
    for (const [chain, watch] of this.watches ?? []) watch.advanced((await this.relay.publishedSeq(chain)) ?? 0);
  }

  async stop(): Promise<void> {
    await this.relay.stop();
    await this.publisher.disconnect().catch(() => undefined);
  }
}
