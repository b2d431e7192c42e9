// Whether a failed store is the fault of what was stored (some message in the batch: dead-letter
// it and go on) or of the moment or the code (the database unreachable, a query bug: the job fails
// and is retried, nothing is dead-lettered). SQLSTATE classes from
// https://www.postgresql.org/docs/current/errcodes-appendix.html.
import { isDatabaseUnavailable } from '../db/database-errors.ts';

/**
 * 22 data exception (a date out of range, bad text, a number too large), 23 integrity constraint
 * violation, 54 program limit exceeded (a value or a jsonb too large). Anything else (42 syntax,
 * 40 serialization, 57 shutdown, 08 connection) is not a message's doing.
 */
const DATA_SQLSTATE = /^(22|23|54)[0-9A-Z]{3}$/;

/**
 * A short reason when the failure comes from the data, else null. The reason is the SQLSTATE
 * (or the JavaScript error's name), never the database's message: that quotes the refused value,
 * which is mail content.
 */
export function dataFailureReason(error: unknown): string | null {
  if (isDatabaseUnavailable(error)) return null;
  for (let e = error, depth = 0; e && depth < 5; depth += 1) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DATA_SQLSTATE.test(code))
      return `store_failed: SQLSTATE ${code}`;
    // Building the statement can fail on the data itself: an invalid Date's toISOString, a
    // string too long for V8.
    if (e instanceof RangeError) return `store_failed: ${e.name}`;
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}
