import type { DepartmentService } from './department-definition.js';

/**
 * The department's own background work (the notary's anchoring, the broker
 * steward): prepared before the runtime touches Kafka, started last, and
 * stopped first — once, also after a start that failed after preparing.
 */
export class DepartmentServices {
  private services: DepartmentService[] = [];
  private stopped = false;

  constructor(private readonly create: () => DepartmentService[]) {}

  async prepare(): Promise<void> {
    this.services = this.create();
    for (const service of this.services) await service.prepare?.();
  }

  async start(): Promise<void> {
    for (const service of this.services) await service.start();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const service of [...this.services].reverse()) await service.stop().catch(() => undefined);
  }
}
