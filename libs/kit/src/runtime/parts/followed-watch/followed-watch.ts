import { readableTopics } from '@registry-bus/bus';
import type { Logger } from '@registry-bus/logging';
import type { KafkaTransport } from '@registry-bus/bus';

/**
 * How often a department checks its followed ledgers: which it may now read
 * (on a broker with ACLs), and whether one grew partitions (its owner
 * started sharded after this consumer subscribed).
 */
const FOLLOWED_WATCH_MS = 5000;

/** What the watch needs of the consumer: what it reads, and a way to read another set. */
export interface FollowedReader {
  readonly consuming: string[];
  partitionsOf(topic: string): number | undefined;
  startConsumer(topics: string[]): Promise<void>;
}

/**
 * The followed-ledgers watch: every few seconds, the followed ledgers again.
 * On a broker with ACLs the readable ones change with the grants (the broker
 * steward turns grants into ACLs): read what is now readable, stop reading
 * what no longer is. And a followed topic that grew partitions — its owner
 * started sharded after this department subscribed — is read whole: a
 * consumer group is not given a partition added after it joined. Positions
 * live in the database, so a new consumer resumes exactly where the old one
 * stopped.
 */
export class FollowedWatch {
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;

  constructor(
    private readonly kafka: KafkaTransport,
    private readonly department: string,
    private readonly namespace: string,
    private readonly followed: () => string[],
    /** On a broker with users and ACLs, reading another ledger needs a grant. */
    private readonly secured: boolean,
    private readonly reader: FollowedReader,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    this.timer = setInterval(() => {
      if (this.checking) return;
      this.checking = this.check()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'could not check the followed ledgers'))
        .finally(() => (this.checking = undefined));
    }, FOLLOWED_WATCH_MS);
    this.timer.unref();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
  }

  private async check(): Promise<void> {
    const { department, namespace, reader } = this;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const names = (topics: string[]) => topics.map((topic) => topic.slice(namespace.length)).join(', ');
      const readable = this.secured ? (await readableTopics(admin, this.followed())).sort() : reader.consuming;
      const grown =
        readable.length === 0
          ? []
          : (await admin.topicMetadata(readable))
              .filter((topic) => topic.partitions.length > (reader.partitionsOf(topic.name) ?? Infinity))
              .map((topic) => topic.name);
      if (readable.join() === reader.consuming.join() && grown.length === 0) return;
      const gained = readable.filter((topic) => !reader.consuming.includes(topic));
      const lost = reader.consuming.filter((topic) => !readable.includes(topic));
      this.logger.info(
        { gained, lost, grown },
        [
          gained.length > 0 ? `the broker now lets ${department} read ${names(gained)}` : '',
          lost.length > 0 ? `${department} may no longer read ${names(lost)}` : '',
          grown.length > 0 ? `${names(grown)} grew partitions (sharded): ${department} reads them all` : '',
        ]
          .filter(Boolean)
          .join('; '),
      );
      await reader.startConsumer(readable);
    } finally {
      await admin.disconnect();
    }
  }
}
