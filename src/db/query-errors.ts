// Database errors say too much to be logged or stored as they are: drizzle's "Failed query: …
// params: …" carries every parameter of the statement (subjects, bodies, addresses), and
// PostgreSQL quotes the value it refused ('invalid input syntax for type uuid: "…"'). Before an
// error reaches a log line or a stored last_error, it is rewritten without either; the SQL text
// (placeholders only), the SQLSTATE and the stack frames stay, which is what a reader needs.

/** A SQLSTATE: five digits or capitals (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const SQLSTATE = /^[0-9A-Z]{5}$/;
const MAX_QUERY_CHARS = 500;

type Inspectable = Error & {
  query?: unknown;
  params?: unknown;
  code?: unknown;
  severity?: unknown;
  cause?: unknown;
};

/** The same error, or a copy without parameters or quoted values when it (or a cause) had any. */
export function withoutParameters(error: unknown, depth = 0): unknown {
  if (!(error instanceof Error) || depth > 5) return error;
  const e = error as Inspectable;
  const cause = withoutParameters(e.cause, depth + 1);
  const message = safeMessage(e);
  if (message === e.message && cause === e.cause) return error;
  const safe: Inspectable = new Error(message, cause === undefined ? undefined : { cause });
  safe.name = e.name;
  if (e.code !== undefined) safe.code = e.code;
  safe.stack = `${e.name}: ${message}\n${frames(e.stack)}`;
  return safe;
}

function safeMessage(e: Inspectable): string {
  if (typeof e.query === 'string' && 'params' in e) {
    return `Failed query: ${e.query.slice(0, MAX_QUERY_CHARS)}`;
  }
  if (typeof e.code === 'string' && SQLSTATE.test(e.code) && typeof e.severity === 'string') {
    return e.message.replace(/"[^"]*"?/g, '"…"');
  }
  return e.message;
}

/** The "    at …" lines of a stack, without its first lines (which repeat the message). */
function frames(stack: string | undefined): string {
  return (stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}
