/** One named part of a running department, as the lifecycle sees it. */
export interface LifecyclePart {
  name: string;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/**
 * Starts parts in order and stops them in reverse: a part may rely on every
 * part before it. A part that fails to start is named in the error (its own
 * message, which names the way out, follows unchanged).
 */
export class Lifecycle {
  private started: LifecyclePart[] = [];

  constructor(private readonly parts: readonly LifecyclePart[]) {}

  async start(): Promise<void> {
    for (const part of this.parts) {
      // Counted before it starts: a part that fails half-way is stopped too (what it opened is closed).
      this.started.push(part);
      try {
        await part.start?.();
      } catch (error) {
        throw new Error(`start-up failed in ${part.name}: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      }
    }
  }

  /** Stops, in reverse, every part whose start was begun (after a failed start too); one failing does not keep the rest open. */
  async stop(): Promise<void> {
    const started = this.started;
    this.started = [];
    for (const part of started.reverse()) await part.stop?.().catch(() => undefined);
  }
}
