/** One dependency's answer to "are you there?", with how long it took. */
export interface DependencyHealth {
  name: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface HealthIndicator {
  readonly name: string;
  check(): Promise<void>;
}

/** Runs every indicator at once, each bounded by `timeoutMs`, and never throws. */
export async function checkHealth(
  indicators: HealthIndicator[],
  timeoutMs = 2000,
): Promise<{ ok: boolean; dependencies: DependencyHealth[] }> {
  const dependencies = await Promise.all(
    indicators.map(async (indicator) => {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          indicator.check(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        return { name: indicator.name, ok: true, latencyMs: Date.now() - started };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { name: indicator.name, ok: false, latencyMs: Date.now() - started, error: message };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { ok: dependencies.every((dependency) => dependency.ok), dependencies };
}
