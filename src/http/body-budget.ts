// A per-process bound on request bytes in flight: a request reserves its Content-Length (or the
// largest body allowed when it streams without one) before its body is read, and gives it back
// when its answer is finished or its connection closes. Past the bound the answer is 429 with
// Retry-After; a body declared larger than the route accepts is 413 at once. Either way nothing
// of the body is kept: a refused body is drained and discarded (drainBeforeRefusal).
import { getHeapStatistics } from 'node:v8';
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../app-error.ts';

export interface BodyBudget {
  /** Reserves `bytes`; the release function, or undefined when the budget is spent. */
  tryReserve(bytes: number): (() => void) | undefined;
  readonly limit: number;
}

export function makeBodyBudget(limit: number): BodyBudget {
  let inFlight = 0;
  return {
    limit,
    tryReserve(bytes) {
      if (inFlight + bytes > limit) return undefined;
      inFlight += bytes;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight -= bytes;
      };
    },
  };
}

/**
 * How many body bytes a process may hold at once: a share of its heap limit divided by what one
 * body byte costs at the peak of a send (see send-routes.ts), and never less than one largest
 * body, so a maximum send is always possible when nothing else is in flight.
 */
export function bodyBudgetForHeap(maxBody: number, heapBytesPerBodyByte: number): number {
  const heapShare = getHeapStatistics().heap_size_limit * 0.5;
  return Math.max(maxBody, Math.floor(heapShare / heapBytesPerBodyByte));
}

/** How long a refused caller should wait: about one large send. */
const RETRY_AFTER_S = 5;

export function admitBody(budget: BodyBudget, maxBody: number) {
  return (req: Request, res: Response, next: NextFunction) => {
    const declared = req.get('content-length');
    const length = declared === undefined ? undefined : Number(declared);
    if (length !== undefined && (!Number.isSafeInteger(length) || length > maxBody)) {
      next(
        new AppError('payload_too_large', `request body: at most ${maxBody} bytes`, {
          details: { max_bytes: maxBody },
        }),
      );
      return;
    }
    const release = budget.tryReserve(length ?? maxBody);
    if (!release) {
      res.setHeader('Retry-After', String(RETRY_AFTER_S));
      next(
        new AppError('rate_limited', 'too many large requests in progress; retry shortly', {
          details: { retry_after_s: RETRY_AFTER_S },
        }),
      );
      return;
    }
    res.once('close', release);
    next();
  };
}

/**
 * An error middleware for routes that refuse before reading the body: the unread body (up to
 * `maxBody`) is drained, discarded as it arrives, before the refusal is sent. Answering first
 * leaves the client uploading on a connection Node then times out as idle keep-alive after
 * 5 s, which the client sees as a reset instead of its 429. A larger body is refused at once.
 */
export function drainBeforeRefusal(maxBody: number) {
  return (err: unknown, req: Request, _res: Response, next: NextFunction) => {
    const declared = Number(req.get('content-length') ?? 0);
    if (req.complete || req.readableEnded || declared > maxBody) {
      next(err);
      return;
    }
    let seen = 0;
    req.removeAllListeners('data');
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > maxBody) req.destroy();
    });
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      next(err);
    };
    req.once('end', answer);
    req.once('close', answer);
    req.resume();
  };
}
