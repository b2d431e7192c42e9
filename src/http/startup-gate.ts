// While the process waits for PostgreSQL at start-up (db/wait-for-database.ts), it already listens,
// so probes are answered (/healthz 200, /readyz 503) and an orchestrator sees it alive but not
// ready. Every other route answers 503 `unavailable` with a Retry-After until start-up is done,
// rather than reaching tables that may not be migrated yet.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../app-error.ts';

const RETRY_AFTER_S = 5;

export function startupGate(starting: () => boolean) {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (!starting()) return next();
    res.setHeader('Retry-After', String(RETRY_AFTER_S));
    next(new AppError('unavailable', 'the service is starting: waiting for its database'));
  };
}
