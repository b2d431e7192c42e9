// Google failures, classified in one place (https://developers.google.com/gmail/api/guides/handle-errors):
// retryable (429, 5xx, rate limits, backend errors, network), gone (404), revoked (invalid_grant
// on token refresh, unauthorized_client on a delegated one), the daily sending limit, fatal
// (anything else). Messages never carry tokens or request headers.
//
// Gmail refuses for rate in three forms, all seen in production, none with a Retry-After header:
// 429 `rateLimitExceeded` "User-rate limit exceeded.  Retry after <RFC 3339>"; 403 domain
// `usageLimits` "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per
// user'…"; 429 domain `global` "Resource has been exhausted (e.g. check quota).". All three are
// `throttled`: slow the mailbox down and retry, never treat as a permission problem. A fourth 429,
// "Too many concurrent requests for user", is about calls in flight, not units (`concurrency`:
// fewer at once, not slower). A refusal whose retry time is past what a caller can wait becomes a
// `MailboxThrottled` (the mailbox's work is put off until then, never failed for it).
//
// An account can be out of reach for a while without its grant being gone (docs/gmail-behaviour.md):
// Gmail turned off for it (400 `failedPrecondition` "Mail service not enabled"), its domain's policy
// against Gmail apps (403 `domainPolicy`), the account suspended (a refresh answers `invalid_grant`
// "Invalid email or User ID"): `account_unavailable`, which comes back by itself. A deleted account
// ("Account has been deleted") is `revoked`, as a revoked or expired grant is.

export type GoogleFailure =
  | {
      kind: 'retryable';
      status: number;
      reason: string;
      /** Gmail refused for rate (any of its three forms): nothing was done, the mailbox must slow down. */
      throttled: boolean;
      /** When a retry may succeed, from the message's "Retry after" or a proxy's Retry-After. */
      retryAfterMs?: number;
      /** Too many of the user's calls were in flight at once: fewer at a time, not fewer units. */
      concurrency?: boolean;
    }
  | { kind: 'daily_send_limit'; status: number; reason: string; retryAt?: Date }
  | { kind: 'gone'; status: 404; reason: string }
  | { kind: 'revoked'; reason: string }
  | { kind: 'account_unavailable'; reason: AccountUnavailable }
  | { kind: 'fatal'; status: number; reason: string; message: string };

/** Why an account is out of reach for now: its admin's or Google's doing, undone the same way. */
export type AccountUnavailable = 'mail_disabled' | 'domain_policy' | 'suspended';

/**
 * Gmail refused for rate and names a time further away than the caller can wait (or the mailbox's
 * pacer is paused until then): the work is put off until `until`, not failed.
 */
export class MailboxThrottled extends Error {
  override name = 'MailboxThrottled';
  readonly until: Date;
  constructor(until: Date, opts?: { cause?: unknown }) {
    super(`Gmail is throttling this mailbox until ${until.toISOString()}`, opts);
    this.until = until;
  }
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);
const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);
const BACKEND_REASONS = new Set(['backendError', 'internalError']);
/** Failures of a connection that never reached Google: nothing was sent. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);
/** The words Google's token endpoint uses for a suspended account (sim/account-states.ts). */
const SUSPENDED_WORDS = /invalid email or user id|suspended|account (has been )?disabled/i;
/** Gmail writes the retry time into the message: "Retry after 2026-05-01T10:00:00.000Z". */
const RETRY_AFTER_IN_MESSAGE = /Retry after (\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d))/i;

interface GoogleErrorBody {
  error?:
    | string
    | {
        message?: string;
        errors?: { reason?: string; domain?: string; message?: string }[];
        status?: string;
      };
  error_description?: string;
}

interface GaxiosLike {
  status?: number;
  code?: string | number;
  message?: string;
  cause?: unknown;
  response?: {
    status?: number;
    headers?: Record<string, string> | { get?(name: string): string | null };
    data?: unknown;
  };
}

export function classifyGoogleError(error: unknown, now = Date.now()): GoogleFailure {
  if (error instanceof MailboxThrottled) {
    const retryAfterMs = Math.max(0, error.until.getTime() - now);
    return { kind: 'retryable', status: 429, reason: 'throttled', throttled: true, retryAfterMs };
  }
  const e = (error ?? {}) as GaxiosLike;
  const status = Number(e.response?.status ?? e.status ?? 0);
  const data = e.response?.data as GoogleErrorBody | undefined;
  // A grant gone, or (domain-wide delegation) a user suspended or deleted, or the Workspace admin's
  // authorisation of our client taken back (`unauthorized_client`): the mailbox cannot be read.
  const refusal = data?.error === 'unauthorized_client' ? 'unauthorized_client' : 'invalid_grant';
  if (data?.error === refusal || /invalid_grant/.test(String(e.message ?? ''))) {
    // Google says why when it can ("Token has been expired or revoked.", as for an app in Testing
    // status after 7 days): the mailbox's status and its `mailbox.revoked` event carry it.
    const why = typeof data?.error_description === 'string' ? data.error_description : '';
    // Suspended, not gone: the grant works again once the admin reinstates the account.
    if (SUSPENDED_WORDS.test(why)) return { kind: 'account_unavailable', reason: 'suspended' };
    return {
      kind: 'revoked',
      reason: why ? `${refusal}: ${safeMessage(why).slice(0, 120)}` : refusal,
    };
  }
  const detail = typeof data?.error === 'object' ? data.error : undefined;
  const first = detail?.errors?.[0];
  const reason =
    first?.reason ?? detail?.status ?? (typeof data?.error === 'string' ? data.error : '');
  const fullMessage = detail?.message ?? first?.message ?? e.message ?? 'request failed';
  const message = safeMessage(fullMessage);

  if (status === 0) {
    const code = networkCode(error);
    if (NETWORK_CODES.has(code) || /socket hang up|fetch failed|network|ECONN/i.test(message)) {
      return { kind: 'retryable', status: 0, reason: code || 'network', throttled: false };
    }
    return { kind: 'fatal', status: 0, reason: code || 'unknown', message };
  }
  const retryAt = retryTime(fullMessage, e.response?.headers, now);
  // "User-rate limit exceeded.  Retry after … (Mail sending)": the daily sending limit, hours
  // away (https://support.google.com/a/answer/166852); retrying before then only fails again.
  if (/\(Mail sending\)|daily sending limit/i.test(fullMessage)) {
    return {
      kind: 'daily_send_limit',
      status,
      reason: 'dailySendLimitExceeded',
      ...(retryAt !== undefined ? { retryAt: new Date(retryAt) } : {}),
    };
  }
  // The project's daily quota ("Daily Limit Exceeded") does not come back within a retry.
  if (reason === 'dailyLimitExceeded') return { kind: 'fatal', status, reason, message };
  if (
    status === 400 &&
    reason === 'failedPrecondition' &&
    /mail service not enabled/i.test(message)
  )
    return { kind: 'account_unavailable', reason: 'mail_disabled' };
  // Gmail's own policy refusal only: another API's (Calendar, Drive) says nothing of the mail.
  if (status === 403 && reason === 'domainPolicy' && /gmail/i.test(message))
    return { kind: 'account_unavailable', reason: 'domain_policy' };
  const throttled = isThrottling(status, reason, first?.domain, fullMessage);
  if (throttled || status === 429 || status >= 500 || BACKEND_REASONS.has(reason)) {
    return {
      kind: 'retryable',
      status,
      reason: reason || `http_${status}`,
      throttled,
      ...(retryAt !== undefined ? { retryAfterMs: Math.max(0, retryAt - now) } : {}),
      ...(/too many concurrent requests/i.test(fullMessage) ? { concurrency: true } : {}),
    };
  }
  if (status === 404) return { kind: 'gone', status: 404, reason: reason || 'notFound' };
  return { kind: 'fatal', status, reason: reason || `http_${status}`, message };
}

/**
 * A 429, or a 403 that names a rate reason, or a `usageLimits` 403 that says "quota exceeded".
 * Not every `usageLimits` 403 is one: an API not enabled for the project is `usageLimits`
 * `accessNotConfigured`, and `insufficientPermissions`/`forbidden` are permission problems.
 */
function isThrottling(status: number, reason: string, domain: string | undefined, message: string) {
  if (status === 429) return true;
  if (status !== 403) return false;
  if (RATE_REASONS.has(reason)) return true;
  return domain === 'usageLimits' && /quota exceeded|rate limit/i.test(message);
}

type Headers = NonNullable<GaxiosLike['response']>['headers'];

/** Epoch ms from the message's "Retry after <time>", else a Retry-After header (a proxy's). */
function retryTime(message: string, headers: Headers, now: number): number | undefined {
  const inMessage = RETRY_AFTER_IN_MESSAGE.exec(message)?.[1];
  const parsed = inMessage ? Date.parse(inMessage) : Number.NaN;
  if (!Number.isNaN(parsed)) return parsed;
  const raw = header(headers, 'retry-after');
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return now + Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : date;
}

function header(headers: Headers, name: string): string | null | undefined {
  if (!headers) return undefined;
  return typeof (headers as { get?: unknown }).get === 'function'
    ? (headers as { get(name: string): string | null }).get(name)
    : (headers as Record<string, string>)[name];
}

/** Strips anything shaped like a token from a message that may echo a request. */
function safeMessage(message: string): string {
  return message.replace(/ya29\.[\w.-]+|1\/\/[\w.-]+|Bearer\s+\S+/g, '[REDACTED]').slice(0, 300);
}

/**
 * The system error code of a failed connection. Node's fetch reports it as "fetch failed" with the
 * socket's code two causes down (`UND_ERR_SOCKET`, `ECONNREFUSED`), where a refused connection
 * (nothing sent) and one dropped mid-way (perhaps sent) must be told apart.
 */
function networkCode(error: unknown): string {
  let e = error as GaxiosLike | undefined;
  for (let depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && /^[A-Z_]+$/.test(e.code)) return e.code;
    e = e.cause as GaxiosLike | undefined;
  }
  return '';
}

/** The grant is gone or the account out of reach: no call of this mailbox can succeed now. */
export function stopsMailbox(failure: GoogleFailure): boolean {
  return failure.kind === 'revoked' || failure.kind === 'account_unavailable';
}

/**
 * Whether a failed `messages.send` may still have sent the mail: the request may have reached Gmail
 * and its answer was lost (a connection dropped or timed out mid-way) or Gmail failed after taking
 * it (5xx). A refusal Gmail answered (4xx) or a connection never made proves nothing was sent.
 */
export function sendMayHaveGone(error: unknown): boolean {
  const failure = classifyGoogleError(error);
  if (failure.kind !== 'retryable' || failure.throttled) return false;
  if (failure.status >= 500) return true;
  return failure.status === 0 && !NEVER_CONNECTED.has(failure.reason);
}

/**
 * Whether an error came from Google or the way to it (an HTTP answer, or a network failure), as
 * opposed to one of ours: a vault that cannot open tokens or a TypeError is not a Google failure
 * and must not be retried or reported as one.
 */
export function isGoogleFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as GaxiosLike & { name?: string };
  if (e instanceof MailboxThrottled) return true;
  // A GaxiosError whose request never got an answer (fetch failed) has no response and, as thrown
  // by gaxios 7, the plain name `Error`: its class says where it came from.
  if (e.response !== undefined || e.name === 'GaxiosError') return true;
  if (error.constructor?.name === 'GaxiosError') return true;
  return NETWORK_CODES.has(networkCode(error)) || /invalid_grant/.test(String(e.message ?? ''));
}

/** Gmail allows one watch per user and OAuth client; another client's answers 400 with this. */
export function isWatchConflict(error: unknown): boolean {
  return /only one user push notification client/i.test(String((error as Error)?.message ?? ''));
}
