// The one way an array reaches a statement: bound as one parameter (node-postgres writes the array
// literal, quoting each element), cast to the element type. Never build '{a,b}' by hand: a quote,
// comma, brace or backslash in a value would change the array, or the statement.
import type { SQL } from 'drizzle-orm';
import { sql } from './orm.ts';

/** The element types the statements use; the cast is written from this closed list, never input. */
export type SqlArrayType = 'text' | 'uuid' | 'bigint' | 'int' | 'float8';

/**
 * `values` as one bound parameter of type `type[]` (an empty list is `'{}'`, a null element NULL),
 * for `= any(...)`, `unnest(...)` and the like: `where id = any(${sqlArray(ids, 'uuid')})`.
 */
export function sqlArray(
  values: readonly (string | number | bigint | null)[],
  type: SqlArrayType,
): SQL {
  return sql`${sql.param(values.map((v) => (typeof v === 'bigint' ? String(v) : v)))}::${sql.raw(type)}[]`;
}
