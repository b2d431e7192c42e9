// A token bucket that callers wait on: `take(n)` resolves when n units are affordable, in FIFO
// order so a large request is not starved by small ones. No timers run while nobody waits.
export interface TokenBucket {
  take(units: number, signal?: AbortSignal): Promise<void>;
  /** After a 429: nobody takes for `ms`. */
  penalise(ms: number): void;
  readonly available: number;
}

export interface TokenBucketOptions {
  ratePerSec: number;
  capacity: number;
  /** Units available at start (default: empty, as the remote bucket may already be spent). */
  initial?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Waiter {
  units: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function makeTokenBucket(opts: TokenBucketOptions): TokenBucket {
  const now = opts.now ?? (() => performance.now());
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let tokens = Math.min(opts.initial ?? 0, opts.capacity);
  let updated = now();
  let blockedUntil = 0;
  const queue: Waiter[] = [];
  let draining = false;

  const refill = () => {
    const t = now();
    tokens = Math.min(opts.capacity, tokens + ((t - updated) / 1000) * opts.ratePerSec);
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
        const need = Math.min(head.units, opts.capacity);
        if (tokens >= need) {
          tokens -= need;
          queue.shift();
          head.resolve();
          continue;
        }
        await sleep(Math.max(1, ((need - tokens) / opts.ratePerSec) * 1000));
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
    penalise(ms) {
      blockedUntil = Math.max(blockedUntil, now() + ms);
      refill();
      tokens = 0;
    },
    get available() {
      refill();
      return tokens;
    },
  };
}
