import type { KafkaTransport, TransportAdmin } from '@registry-bus/bus';

/** One admin client for scrape-time lag, connected on first use (and again after a failed connect). */
export class MetricsAdmin {
  private admin: Promise<TransportAdmin> | undefined;

  constructor(private readonly kafka: KafkaTransport) {}

  get(): Promise<TransportAdmin> {
    if (!this.admin) {
      const admin = this.kafka.admin();
      this.admin = admin.connect().then(
        () => admin,
        (error: unknown) => {
          this.admin = undefined;
          throw error;
        },
      );
    }
    return this.admin;
  }

  async stop(): Promise<void> {
    await this.admin?.then((admin) => admin.disconnect()).catch(() => undefined);
  }
}
