// Per-user rate limits on costly routes (connect, send): a token bucket per (org, user), kept in
// this process's memory. With several web processes behind a balancer each keeps its own buckets,
// so a user's ceiling is the limit times the number of processes; that bounds abuse, which is the
// point, without a database write per request. Past the limit: 429 `rate_limited`, Retry-After.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../app-error.ts';

export interface RateLimit {
  /** Requests allowed at once after a quiet period. */
  burst: number;
  /** Requests allowed per minute, sustained. */
  perMinute: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Users tracked at most; past it the least recently seen is forgotten (and starts full again). */
const MAX_BUCKETS = 100_000;

export function limitPerUser(name: string, limit: RateLimit, now = () => Date.now()) {
  return limitBy(
    name,
    limit,
    (_req, res) => {
      const { orgId, userId } = res.locals.caller;
      return JSON.stringify([orgId, userId]);
    },
    now,
  );
}

/** The same buckets, keyed by what `keyOf` says of a request (a client address, a constant). */
export function limitBy(
  name: string,
  limit: RateLimit,
  keyOf: (req: Request, res: Response) => string,
  now = () => Date.now(),
) {
  const buckets = new Map<string, Bucket>();
  const perMs = limit.perMinute / 60_000;

  function take(key: string): number {
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: limit.burst, at: t };
    bucket.tokens = Math.min(limit.burst, bucket.tokens + (t - bucket.at) * perMs);
    bucket.at = t;
    buckets.delete(key);
    buckets.set(key, bucket); // Map order = least recently used first.
    if (buckets.size > MAX_BUCKETS) {
      const oldest = buckets.keys().next().value;
      if (oldest !== undefined) buckets.delete(oldest);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.tokens) / perMs / 1000);
  }

  return (req: Request, res: Response, next: NextFunction) => {
    const waitS = take(keyOf(req, res));
    if (waitS === 0) {
      next();
      return;
    }
    res.setHeader('Retry-After', String(waitS));
    next(
      new AppError('rate_limited', `too many ${name} requests; retry in ${waitS} s`, {
        details: { retry_after_s: waitS },
      }),
    );
  };
}
