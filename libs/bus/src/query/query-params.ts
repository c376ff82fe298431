/** What `queryParams` needs of a schema (a zod schema is one; kept structural so the bus needs no zod). */
export interface ParamsSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

/**
 * A query handler's `parseParams` from its schema: the parameters as the
 * schema reads them, or an Error naming each wrong path (the asker gets it
 * as `QUERY.BAD_PARAMS`).
 */
export function queryParams<T extends Record<string, unknown>>(
  schema: ParamsSchema<T>,
): (given: Record<string, unknown>) => T {
  return (given) => {
    const parsed = schema.safeParse(given);
    if (!parsed.success)
      throw new Error(
        parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; '),
      );
    return parsed.data;
  };
}
