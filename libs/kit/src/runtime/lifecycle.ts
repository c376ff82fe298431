/** One named part of a running department, as the lifecycle sees it. */
export interface LifecyclePart {
  name: string;
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

const failedParts = new WeakMap<Error, string>();

/** The part whose start threw `error`, if a lifecycle started it. */
export function partThatFailed(error: unknown): string | undefined {
  return error instanceof Error ? failedParts.get(error) : undefined;
}

/** `start-up failed in <part>: <its message>`: the line an operator reads when a department does not start. */
export function startUpFailure(error: unknown): string {
  const part = partThatFailed(error);
  return `start-up failed${part ? ` in ${part}` : ''}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Starts parts in order and stops them in reverse: a part may rely on every
 * part before it. A part that fails to start is named (startUpFailure) while
 * its error goes on unchanged: tests and operators read refusals word for word.
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
        // The error itself goes on unchanged (its class and its message, which names the way out).
        if (error instanceof Error) failedParts.set(error, part.name);
        throw error;
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
