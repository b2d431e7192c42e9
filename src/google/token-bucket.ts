// A token bucket that callers wait on: `take(n)` resolves when n units are affordable, in FIFO
// order so a large request is not starved by small ones. No timers run while nobody waits.
// When the remote side refuses for rate, `throttle` drains the bucket and pauses it until the time
// the refusal named. A refusal that names no time or a near one (we are at the rate's edge), or
// a second one soon after the first, also halves the rate, which then recovers by a small step
// each second (additive increase, multiplicative decrease, as TCP does). One that names a far time
// alone is a spent window (Gmail's per-minute accounting): waiting for it is enough.
export interface TokenBucket {
  take(units: number, signal?: AbortSignal): Promise<void>;
  /** After a rate refusal: empty, nobody takes for `retryAfterMs`, and slower if it keeps happening. */
  throttle(retryAfterMs?: number): void;
  /** How long nobody may take yet (ms): the pause the last refusal asked for, 0 when none. */
  blockedFor(): number;
  readonly available: number;
  /** The refill rate now (below `ratePerSec` while recovering from refusals). */
  readonly rate: number;
}

export interface TokenBucketOptions {
  ratePerSec: number;
  capacity: number;
  /** Units available at start (default: empty, as the remote bucket may already be spent). */
  initial?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Refusals closer together than this are one event (the calls that were in flight together). */
const SAME_EVENT_MS = 1_000;
/** A second refusal this soon after one means the rate, not a spent window, is the problem. */
const REPEAT_MS = 10_000;
/** A retry time further than this is a window to wait for, not a sign of going too fast. */
const FAR_MS = 2_000;
/** The rate never drops below this fraction of the full rate, and regains this fraction of it a second. */
const FLOOR = 0.25;
const RECOVERY_PER_SEC = 0.03;

interface Waiter {
  units: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function makeTokenBucket(opts: TokenBucketOptions): TokenBucket {
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxRate = opts.ratePerSec;
  let rate = maxRate;
  let tokens = Math.min(opts.initial ?? 0, opts.capacity);
  let updated = now();
  let blockedUntil = 0;
  let lastRefusal = Number.NEGATIVE_INFINITY;
  const queue: Waiter[] = [];
  let draining = false;
  // The bucket holds one second's worth at the current rate, so a slowed bucket cannot burst.
  const capacity = () => (opts.capacity * rate) / maxRate;

  const refill = () => {
    const t = now();
    const seconds = Math.max(0, t - Math.max(updated, blockedUntil)) / 1000;
    const added = seconds * rate;
    // The rate first, so that tokens and what a waiter needs are capped at the same capacity.
    rate = Math.min(maxRate, rate + ((t - updated) / 1000) * RECOVERY_PER_SEC * maxRate);
    tokens = Math.min(capacity(), tokens + added);
    updated = t;
  };

  async function drain(): Promise<void> {
    if (draining) return;
    draining = true;
    try {
      while (queue.length > 0) {
        const head = queue[0] as Waiter;
        refill();
        const t = now();
        if (t < blockedUntil) {
          await sleep(blockedUntil - t);
          continue;
        }
        // A request above capacity is served once the bucket is full (it can never hold more).
        const need = Math.min(head.units, capacity());
        if (tokens >= need) {
          tokens -= need;
          queue.shift();
          head.resolve();
          continue;
        }
        await sleep(Math.max(1, ((need - tokens) / rate) * 1000));
      }
    } finally {
      draining = false;
    }
  }

  return {
    take(units, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const waiter: Waiter = { units, resolve, reject };
        queue.push(waiter);
        signal?.addEventListener(
          'abort',
          () => {
            const i = queue.indexOf(waiter);
            if (i >= 0) {
              queue.splice(i, 1);
              reject(signal.reason);
            }
          },
          { once: true },
        );
        void drain();
      });
    },
    throttle(retryAfterMs) {
      refill();
      const t = now();
      tokens = 0;
      if (retryAfterMs !== undefined) blockedUntil = Math.max(blockedUntil, t + retryAfterMs);
      const sinceLast = t - lastRefusal;
      if (sinceLast < SAME_EVENT_MS) return;
      lastRefusal = t;
      const spentWindow = retryAfterMs !== undefined && retryAfterMs > FAR_MS;
      if (!spentWindow || sinceLast < REPEAT_MS) rate = Math.max(FLOOR * maxRate, rate / 2);
    },
    blockedFor() {
      return Math.max(0, blockedUntil - now());
    },
    get available() {
      refill();
      return tokens;
    },
    get rate() {
      refill();
      return rate;
    },
  };
}
