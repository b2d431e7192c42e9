// The one retry policy for Google calls: exponential backoff with full jitter, Retry-After
// honoured, only retryable failures retried (https://developers.google.com/gmail/api/guides/handle-errors#exponential-backoff).
import pRetry, { AbortError } from 'p-retry';
import { classifyGoogleError, type GoogleFailure } from './gmail-errors.ts';

export interface RetryOptions {
  retries?: number;
  minMs?: number;
  maxMs?: number;
  signal?: AbortSignal | undefined;
  onRetry?: (failure: GoogleFailure, attempt: number) => void;
  /** Non-idempotent calls (messages.send) are retried only when Gmail provably did not act. */
  idempotent?: boolean;
}

export async function withRetries<T>(call: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const minMs = opts.minMs ?? 250;
  const maxMs = opts.maxMs ?? 32_000;
  let retryAfterMs: number | undefined;
  return pRetry(
    async () => {
      try {
        return await call();
      } catch (error) {
        const failure = classifyGoogleError(error);
        if (!shouldRetry(failure, opts.idempotent ?? true)) throw new AbortError(error as Error);
        retryAfterMs = failure.kind === 'retryable' ? failure.retryAfterMs : undefined;
        throw error;
      }
    },
    {
      retries: opts.retries ?? 5,
      minTimeout: 0,
      maxTimeout: maxMs,
      randomize: false,
      ...(opts.signal ? { signal: opts.signal } : {}),
      // Full jitter, at least what Retry-After asks for.
      factor: 1,
      onFailedAttempt: async ({ error, attemptNumber }) => {
        const failure = classifyGoogleError(error);
        opts.onRetry?.(failure, attemptNumber);
        const backoff = Math.random() * Math.min(maxMs, minMs * 2 ** (attemptNumber - 1));
        await new Promise((r) => setTimeout(r, Math.max(backoff, retryAfterMs ?? 0)));
      },
    },
  );
}

function shouldRetry(failure: GoogleFailure, idempotent: boolean): boolean {
  if (failure.kind !== 'retryable') return false;
  if (idempotent) return true;
  // A 429 is refused before Gmail acts; a refused connection never reached it.
  return failure.status === 429 || failure.reason === 'ECONNREFUSED';
}
