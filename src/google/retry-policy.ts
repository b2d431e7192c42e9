// The one retry policy for Google calls (https://developers.google.com/gmail/api/guides/handle-errors#exponential-backoff):
// exponential backoff with jitter, only retryable failures retried. A throttled call (Gmail's rate
// refusals) waits at least until the time Gmail named and is retried while the total wait stays
// within a budget, since a per-minute window may take up to a minute to move; other failures get
// a fixed number of retries. Nothing waits after the last attempt. A throttled call whose wait
// would pass the budget (Gmail names a time minutes or hours ahead) ends as `MailboxThrottled`:
// the caller puts the work off until then instead of failing it.
import { classifyGoogleError, type GoogleFailure, MailboxThrottled } from './gmail-errors.ts';

export interface RetryOptions {
  /** Retries of failures that are not throttling (5xx, network). */
  retries?: number;
  minMs?: number;
  maxMs?: number;
  /** The most a call waits in all, across throttled retries. */
  maxWaitMs?: number;
  signal?: AbortSignal | undefined;
  onRetry?: (failure: GoogleFailure, attempt: number) => void;
  /** Non-idempotent calls (messages.send) are retried only when Gmail provably did not act. */
  idempotent?: boolean;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Two minutes: long enough for Gmail's per-minute window to move twice. */
export const DEFAULT_MAX_WAIT_MS = 120_000;

export async function withRetries<T>(call: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const retries = opts.retries ?? 5;
  const maxWaitMs = opts.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const sleep = opts.sleep ?? abortableSleep;
  let waited = 0;
  let plainRetries = 0;
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      return await call();
    } catch (error) {
      const failure = classifyGoogleError(error);
      if (failure.kind !== 'retryable' || !shouldRetry(failure, opts.idempotent ?? true))
        throw error;
      const delay = delayFor(failure, attempt, opts.minMs ?? 250, opts.maxMs ?? 32_000);
      const throttled = failure.throttled;
      if (throttled && waited + delay > maxWaitMs) {
        if (error instanceof MailboxThrottled) throw error;
        throw new MailboxThrottled(new Date(Date.now() + delay), { cause: error });
      }
      if (!throttled && plainRetries >= retries) throw error;
      if (!throttled) plainRetries += 1;
      opts.onRetry?.(failure, attempt);
      await sleep(delay, opts.signal);
      waited += delay;
    }
  }
}

type Retryable = Extract<GoogleFailure, { kind: 'retryable' }>;

/**
 * Full jitter for errors; for throttling, at least the time Gmail named plus a little jitter
 * (so many callers do not return at the same instant), or half-to-full backoff without one.
 */
function delayFor(failure: Retryable, attempt: number, minMs: number, maxMs: number): number {
  const cap = Math.min(maxMs, minMs * 2 ** (attempt - 1));
  if (!failure.throttled) return Math.max(Math.random() * cap, failure.retryAfterMs ?? 0);
  if (failure.retryAfterMs !== undefined)
    return (
      failure.retryAfterMs + Math.random() * Math.min(1_000, minMs + failure.retryAfterMs / 10)
    );
  return cap / 2 + (Math.random() * cap) / 2;
}

function shouldRetry(failure: Retryable, idempotent: boolean): boolean {
  if (idempotent) return true;
  // A rate refusal comes before Gmail acts; a refused connection never reached it.
  return failure.throttled || failure.reason === 'ECONNREFUSED';
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
