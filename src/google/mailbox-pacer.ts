// Per-mailbox pacing: a token bucket at the quota profile's per-user rate, and bounded concurrency
// within it. Gmail's own per-user bucket holds about one second's worth, so ours does too; it starts
// empty, because another process (the web role registering the watch at connect, say) may just have
// spent Gmail's — measured: starting a quarter full brought back 429s — and runs at 97% of the
// rate, which keeps us just under the limit: the rate is the ceiling, 429s are the failure to avoid.
// When Gmail refuses anyway (another process shares the user's quota, a spent per-minute window),
// in any of its three forms, the bucket pauses until Gmail's time and slows down (token-bucket.ts).
// Calls in flight are counted one per Gmail call (a batch's parts each count, as Gmail counts them)
// and bounded by a limit that Gmail's "Too many concurrent requests" halves (concurrency-limit.ts).
// A mailbox paused further ahead than a caller may wait is refused at once (`MailboxThrottled`):
// a penalty hours long holds no worker.
import { makeConcurrencyLimit } from './concurrency-limit.ts';
import { type BatchAnswer, BatchPartError } from './gmail-batch.ts';
import { classifyGoogleError, MailboxThrottled } from './gmail-errors.ts';
import {
  type GmailMethod,
  perUserUnitsPerSecond,
  type QuotaProfile,
  quotaCost,
} from './quota-costs.ts';
import { DEFAULT_MAX_WAIT_MS } from './retry-policy.ts';
import { makeTokenBucket, type TokenBucket } from './token-bucket.ts';

export interface Pacer {
  /**
   * Runs `call` once the quota allows `calls` (default 1) calls of `method` and that many may be in
   * flight; `MailboxThrottled` at once when the mailbox is paused for longer than `maxWaitMs`.
   */
  run<T>(
    method: GmailMethod,
    call: () => Promise<T>,
    opts?: { signal?: AbortSignal | undefined; calls?: number; maxWaitMs?: number | undefined },
  ): Promise<T>;
  /** How many calls of `method` one second's quota covers, and may be in flight: the most a batch
   * should carry. */
  burst(method: GmailMethod): number;
  /** Units a second this mailbox is paced at now: below the quota while Gmail is refusing. */
  rate(): number;
  /** Quota units one call of `method` costs under the profile (for progress and its ETA). */
  cost(method: GmailMethod): number;
  /** The backoff between retries of a failed call that is not a rate refusal (5xx, network):
   * config.timings.gmailRetryMs; absent, the retry policy's own. */
  readonly retryMs?: { min: number; max: number } | undefined;
}

export interface PacerRegistry {
  forMailbox(mailboxId: string): Pacer;
  size(): number;
}

export interface PacerOptions {
  profile: QuotaProfile;
  /** Overrides the per-user rate (units a second), e.g. for a project with a raised quota. */
  unitsPerSecond?: number;
  maxConcurrency?: number;
  /** Entries unused this long are dropped, so memory stays flat across many mailboxes. */
  maxIdleMs?: number;
  /** Fraction of the rate actually used. */
  headroom?: number;
  /** Observes every call's outcome (metrics): the HTTP status, 0 for a network failure. */
  onCall?: (method: GmailMethod, status: number) => void;
  /** Handed to every pacer (Pacer.retryMs). */
  retryMs?: { min: number; max: number };
}

export function makePacerRegistry(opts: PacerOptions): PacerRegistry {
  const rate =
    (opts.unitsPerSecond ?? perUserUnitsPerSecond(opts.profile)) * (opts.headroom ?? 0.97);
  const maxIdleMs = opts.maxIdleMs ?? 10 * 60_000;
  const entries = new Map<string, { pacer: Pacer; lastUsed: number; busy: () => boolean }>();
  let lastSweep = Date.now();

  const sweep = () => {
    const t = Date.now();
    if (t - lastSweep < maxIdleMs / 4) return;
    lastSweep = t;
    for (const [id, e] of entries) if (t - e.lastUsed > maxIdleMs && !e.busy()) entries.delete(id);
  };

  return {
    forMailbox(mailboxId) {
      sweep();
      let entry = entries.get(mailboxId);
      if (!entry) {
        const bucket = makeTokenBucket({ ratePerSec: rate, capacity: rate });
        const made = makePacer(bucket, rate, opts);
        entry = { pacer: made.pacer, lastUsed: Date.now(), busy: made.busy };
        entries.set(mailboxId, entry);
      }
      entry.lastUsed = Date.now();
      return entry.pacer;
    },
    size: () => entries.size,
  };
}

function makePacer(bucket: TokenBucket, capacity: number, opts: PacerOptions) {
  const { profile, onCall } = opts;
  const inFlight = makeConcurrencyLimit(opts.maxConcurrency ?? 10);
  /** Counts one call's outcome; any of Gmail's three rate refusals slows the mailbox down, and
   * "too many concurrent requests" makes fewer calls go at once. */
  const observe = (method: GmailMethod, error: unknown) => {
    if (error === undefined) return onCall?.(method, 200);
    const failure = classifyGoogleError(error);
    onCall?.(method, 'status' in failure ? failure.status : 401);
    if (failure.kind !== 'retryable' || !failure.throttled) return;
    if (failure.concurrency) inFlight.shrink();
    else bucket.throttle(failure.retryAfterMs);
  };
  const pacer: Pacer = {
    async run(method, call, runOpts) {
      const paused = bucket.blockedFor();
      if (paused > (runOpts?.maxWaitMs ?? DEFAULT_MAX_WAIT_MS))
        throw new MailboxThrottled(new Date(Date.now() + paused));
      const granted = await inFlight.acquire(runOpts?.calls ?? 1);
      try {
        await bucket.take(quotaCost(profile, method) * (runOpts?.calls ?? 1), runOpts?.signal);
        const result = await call();
        const parts = batchParts(result);
        if (parts)
          for (const part of parts) observe(method, 'error' in part ? part.error : undefined);
        else for (let i = 0; i < (runOpts?.calls ?? 1); i++) onCall?.(method, 200);
        return result;
      } catch (error) {
        observe(method, error);
        throw error;
      } finally {
        inFlight.release(granted);
      }
    },
    burst: (method) =>
      Math.max(1, Math.min(inFlight.limit, Math.floor(capacity / quotaCost(profile, method)))),
    rate: () => bucket.rate,
    cost: (method) => quotaCost(profile, method),
    retryMs: opts.retryMs,
  };
  return { pacer, busy: () => inFlight.busy };
}

/**
 * A batch answers 200 with each part's own answer inside. Gmail charges and refuses each part as
 * one call (https://developers.google.com/gmail/api/guides/batch), so a refused part counts, and
 * slows the mailbox down, as a refused call does.
 */
function batchParts(result: unknown): BatchAnswer[] | undefined {
  if (!Array.isArray(result)) return undefined;
  const isPart = (a: unknown) =>
    a instanceof Object &&
    'id' in a &&
    ('message' in a || ('error' in a && a.error instanceof BatchPartError));
  return result.length > 0 && result.every(isPart) ? (result as BatchAnswer[]) : undefined;
}
