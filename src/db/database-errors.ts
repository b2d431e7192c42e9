// Which database failures mean "PostgreSQL is unreachable right now" (retry later) rather than a
// bug: connection refused or reset, the server shutting down or restarting, a pool that lost its
// connection. SQLSTATE classes from https://www.postgresql.org/docs/current/errcodes-appendix.html.

const UNAVAILABLE_SQLSTATE = /^(08|57P0[123]|53300)/; // connection exception, shutdown, too many connections
const UNAVAILABLE_NODE_CODE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|terminating connection|not queryable|timeout exceeded when trying to connect/;

/** Whether an error (or its cause, as drizzle wraps pg's) says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; depth += 1) {
    const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown };
    if (
      typeof code === 'string' &&
      (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_NODE_CODE.has(code))
    )
      return true;
    if (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message)) return true;
    if (e instanceof AggregateError && e.errors.some(isDatabaseUnavailable)) return true;
    e = cause;
  }
  return false;
}

/** Whether an error (or its cause) is PostgreSQL refusing a duplicate of a unique key (23505). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 5; depth += 1) {
    if ((e as { code?: unknown }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
