import { type z } from 'zod';

/**
 * Raised at start-up when the environment does not satisfy an app's schema.
 * The message names every bad variable and why, so an operator can fix them
 * all at once.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: ReadonlyArray<{ variable: string; reason: string }>) {
    super(`Invalid environment variables:\n${problems.map((p) => `  - ${p.variable}: ${p.reason}`).join('\n')}`);
  }
}

/**
 * Reads the environment once into a typed, validated object. The schema's
 * keys are the variable names; nothing else in an app reads process.env.
 */
export function loadConfig<Schema extends z.ZodObject>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(environment)',
      reason:
        issue.code === 'invalid_type' && env[String(issue.path[0])] === undefined
          ? 'is required but not set'
          : issue.message,
    })),
  );
}
