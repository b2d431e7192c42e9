// Google failures, classified in one place (https://developers.google.com/gmail/api/guides/handle-errors):
// retryable (429, 5xx, rate limits, backend errors, network), gone (404), revoked (invalid_grant
// on token refresh), fatal (anything else). Messages never carry tokens or request headers.

export type GoogleFailure =
  | { kind: 'retryable'; status: number; reason: string; retryAfterMs?: number }
  | { kind: 'gone'; status: 404; reason: string }
  | { kind: 'revoked'; reason: string }
  | { kind: 'fatal'; status: number; reason: string; message: string };

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);
const RETRYABLE_REASONS = new Set([
  'rateLimitExceeded',
  'userRateLimitExceeded',
  'backendError',
  'internalError',
]);

interface GaxiosLike {
  status?: number;
  code?: string | number;
  message?: string;
  response?: {
    status?: number;
    headers?: Record<string, string> | { get?(name: string): string | null };
    data?: unknown;
  };
}

export function classifyGoogleError(error: unknown): GoogleFailure {
  const e = (error ?? {}) as GaxiosLike;
  const status = Number(e.response?.status ?? e.status ?? 0);
  const data = e.response?.data as
    | {
        error?:
          | string
          | { message?: string; errors?: { reason?: string; message?: string }[]; status?: string };
        error_description?: string;
      }
    | undefined;
  if (data?.error === 'invalid_grant' || /invalid_grant/.test(String(e.message ?? ''))) {
    return { kind: 'revoked', reason: 'invalid_grant' };
  }
  const detail = typeof data?.error === 'object' ? data.error : undefined;
  const reason =
    detail?.errors?.[0]?.reason ??
    detail?.status ??
    (typeof data?.error === 'string' ? data.error : '');
  const message = safeMessage(
    detail?.message ?? detail?.errors?.[0]?.message ?? e.message ?? 'request failed',
  );

  if (status === 0) {
    const code = String(e.code ?? '');
    if (NETWORK_CODES.has(code) || /socket hang up|fetch failed|network|ECONN/i.test(message)) {
      return { kind: 'retryable', status: 0, reason: code || 'network' };
    }
    return { kind: 'fatal', status: 0, reason: code || 'unknown', message };
  }
  if (status === 429 || status >= 500 || RETRYABLE_REASONS.has(reason)) {
    if (/daily (sending )?limit/i.test(message) || reason === 'dailyLimitExceeded') {
      return { kind: 'fatal', status, reason: 'dailyLimitExceeded', message };
    }
    const retryAfterMs = retryAfter(e.response?.headers);
    return {
      kind: 'retryable',
      status,
      reason: reason || `http_${status}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (status === 404) return { kind: 'gone', status: 404, reason: reason || 'notFound' };
  return { kind: 'fatal', status, reason: reason || `http_${status}`, message };
}

type Headers = NonNullable<GaxiosLike['response']>['headers'];

function retryAfter(headers: Headers): number | undefined {
  if (!headers) return undefined;
  const raw =
    typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(name: string): string | null }).get('retry-after')
      : (headers as Record<string, string>)['retry-after'];
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Strips anything shaped like a token from a message that may echo a request. */
function safeMessage(message: string): string {
  return message.replace(/ya29\.[\w.-]+|1\/\/[\w.-]+|Bearer\s+\S+/g, '[REDACTED]').slice(0, 300);
}

/**
 * Whether an error came from Google or the way to it (an HTTP answer, or a network failure), as
 * opposed to one of ours: a vault that cannot open tokens or a TypeError is not a Google failure
 * and must not be retried or reported as one.
 */
export function isGoogleFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const e = error as GaxiosLike & { name?: string };
  if (e.response !== undefined || e.name === 'GaxiosError') return true;
  return NETWORK_CODES.has(String(e.code ?? '')) || /invalid_grant/.test(String(e.message ?? ''));
}

/** Gmail allows one watch per user and OAuth client; another client's answers 400 with this. */
export function isWatchConflict(error: unknown): boolean {
  return /only one user push notification client/i.test(String((error as Error)?.message ?? ''));
}
