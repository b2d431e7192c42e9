// How many of one mailbox's Gmail calls may be in flight at once. Gmail refuses a user's calls past
// some number at once with 429 "Too many concurrent requests for user", and counts each part of a
// batch as a call (googleapis/google-api-dotnet-client#1982, postalsys/emailengine#426); it
// documents no number, and integrations report staying under 10 (amp-labs/connectors#2942 caps at
// 5). So the limit starts at that ceiling, halves on a refusal (the calls refused together are one
// event), and regains one call every few seconds without one: fewer at once, recovering
// gradually, as TCP's window does. Waiters are served in order, so a batch is not starved by
// single calls.

export interface ConcurrencyLimit {
  /** Waits until `calls` more may be in flight (at most the current limit: a batch larger than it
   * waits for the others to finish). */
  acquire(calls: number): Promise<number>;
  /** Gives back what `acquire` granted. */
  release(granted: number): void;
  /** Gmail answered "Too many concurrent requests": halve the limit. */
  shrink(): void;
  /** The most calls in flight at once now. */
  readonly limit: number;
  readonly busy: boolean;
}

/** Refusals closer together than this are one event (the calls that were in flight together). */
const SAME_EVENT_MS = 1_000;
/** Without a refusal for this long, one more call may be in flight. */
const RECOVER_EVERY_MS = 3_000;

interface Waiter {
  calls: number;
  resolve: (granted: number) => void;
}

export function makeConcurrencyLimit(
  max: number,
  now: () => number = () => performance.now(),
): ConcurrencyLimit {
  let limit = max;
  let grownAt = now();
  let shrunkAt = Number.NEGATIVE_INFINITY;
  let running = 0;
  const waiting: Waiter[] = [];

  const current = () => {
    if (limit < max) {
      const steps = Math.floor((now() - grownAt) / RECOVER_EVERY_MS);
      if (steps > 0) {
        limit = Math.min(max, limit + steps);
        grownAt += steps * RECOVER_EVERY_MS;
      }
    } else grownAt = now();
    return limit;
  };
  const fits = (calls: number) => running === 0 || running + Math.min(calls, current()) <= limit;
  const grant = (calls: number) => {
    const granted = Math.min(calls, current());
    running += granted;
    return granted;
  };
  const wake = () => {
    while (waiting.length > 0 && fits((waiting[0] as Waiter).calls)) {
      const next = waiting.shift() as Waiter;
      next.resolve(grant(next.calls));
    }
  };

  return {
    acquire(calls) {
      if (waiting.length === 0 && fits(calls)) return Promise.resolve(grant(calls));
      return new Promise<number>((resolve) => waiting.push({ calls, resolve }));
    },
    release(granted) {
      running -= granted;
      wake();
    },
    shrink() {
      const t = now();
      if (t - shrunkAt < SAME_EVENT_MS) return;
      shrunkAt = t;
      limit = Math.max(1, Math.floor(current() / 2));
      grownAt = t;
    },
    get limit() {
      return current();
    },
    get busy() {
      return running > 0 || waiting.length > 0;
    },
  };
}
