import { ledgerTopic, legacyLedgerTopic, type KafkaTransport } from '@registry-bus/bus';
import { headSeq, republishFromStart } from '@registry-bus/ledger';
import type { Logger } from '@registry-bus/logging';
import type { DataSource } from 'typeorm';

/** How often the move looks whether the republication is complete. */
const RETIRE_POLL_MS = 2000;

/**
 * The move of a department's ledger from its generation 1 topic
 * (`gov.<dept>.ledger`, every field in clear, before issue #28) to the
 * current one (`gov.<dept>.ledger.v2`, non-public fields sealed), which
 * every follower, the notary and recovery read. At start-up, when the old
 * topic exists and the new one holds nothing, the relay is set to publish
 * the whole ledger again — sealed, with the same entry hashes. Once every
 * chain is on the new topic up to its head, the old topic is deleted, and
 * with it the plaintext history on Kafka. A restart in the middle goes on
 * from where the relay stands.
 */
export class TopicGeneration {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private retiring: Promise<void> | undefined;

  constructor(
    private readonly kafka: KafkaTransport,
    private readonly dataSource: DataSource,
    private readonly department: string,
    private readonly namespace: string,
    private readonly chains: readonly string[],
    private readonly publishedSeq: (chain: string) => Promise<number | undefined>,
    private readonly logger: Logger,
  ) {}

  private get legacy(): string {
    return legacyLedgerTopic(this.department, this.namespace);
  }

  /** Before the relay starts: whether there is an old topic to move from, and if so the relay starts over. */
  async prepare(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      if (!(await admin.listTopics()).includes(this.legacy)) return;
      const current = ledgerTopic(this.department, this.namespace);
      const onCurrent = (await admin.topicOffsets(current)).some((offset) => Number(offset.high) > 0);
      if (!onCurrent) {
        await republishFromStart(this.dataSource, this.chains);
        this.logger.warn(
          { from: this.legacy, to: current },
          'topic generation: the ledger is republished sealed to its new topic; the old one is deleted once it is all there',
        );
      }
      this.retiring = this.retireWhenRepublished();
    } finally {
      await admin.disconnect();
    }
  }

  /** Deletes the old topic once every chain is published up to its head on the new one (checked every 2 s). */
  private async retireWhenRepublished(): Promise<void> {
    while (!this.stopped) {
      try {
        if (await this.republished()) {
          const admin = this.kafka.admin();
          await admin.connect();
          try {
            await admin.deleteTopics([this.legacy]);
          } finally {
            await admin.disconnect();
          }
          this.logger.warn({ topic: this.legacy }, 'topic generation: the old ledger topic, in clear, is deleted');
          return;
        }
      } catch (error) {
        this.logger.warn({ err: error, topic: this.legacy }, 'topic generation: cannot delete the old topic yet');
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        this.timer = setTimeout(resolve, RETIRE_POLL_MS);
      });
    }
  }

  private async republished(): Promise<boolean> {
    for (const chain of this.chains) {
      if (((await this.publishedSeq(chain)) ?? 0) < (await headSeq(this.dataSource, chain))) return false;
    }
    return true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.retiring?.catch(() => undefined);
  }
}
