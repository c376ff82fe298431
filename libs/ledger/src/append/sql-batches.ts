import type { QueryRunner } from 'typeorm';

/** Postgres takes at most 65,535 bind parameters in one statement. */
export const MAX_BIND_PARAMETERS = 65_535;

/**
 * Inserts rows with multi-row INSERT statements, as many rows per statement
 * as the bind-parameter limit (and `maxRows`) allows.
 */
export async function insertRows(
  runner: QueryRunner,
  table: string,
  columns: string[],
  rows: unknown[][],
  maxRows = 1000,
): Promise<void> {
  const rowsPerStatement = Math.max(1, Math.min(maxRows, Math.floor(MAX_BIND_PARAMETERS / columns.length)));
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => {
      const placeholders = row.map((value) => {
        values.push(value);
        return `$${values.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    await runner.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
}
