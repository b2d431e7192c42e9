// The central error handler: AppErrors become {"error":{"code","message"}} with their status;
// anything else is a bug, logged with its stack and answered 500 with no detail.
import type { NextFunction, Request, Response } from 'express';
import { AppError, isAppError } from '../app-error.ts';

export function notFound(req: Request, _res: Response, next: NextFunction) {
  next(new AppError('not_found', `no route for ${req.method} ${req.path}`));
}

export function handleErrors(err: unknown, _req: Request, res: Response, next: NextFunction) {
  if (res.headersSent) return next(err);
  const known = toAppError(err);
  if (known) {
    if (known.status >= 500) res.locals.log?.warn({ err: known }, 'request failed');
    res
      .status(known.status)
      .json({ error: { code: known.code, message: known.message, ...known.details } });
    return;
  }
  res.locals.log?.error({ err }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
}

/** Errors raised by express's own body parsing carry a status and a type. */
function toAppError(err: unknown): AppError | undefined {
  if (isAppError(err)) return err;
  const e = err as { type?: string; status?: number } | null;
  if (e?.type === 'entity.too.large')
    return new AppError('payload_too_large', 'request body too large');
  if (e?.type === 'entity.parse.failed')
    return new AppError('invalid_json', 'request body is not valid JSON');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError('invalid_request', 'malformed request', { status: e.status });
  }
  return undefined;
}
