// Gives every request an id and a child logger, and logs one line when it finishes.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.ts';

declare module 'express-serve-static-core' {
  interface Locals {
    log: Logger;
    requestId: string;
  }
}

export function requestContext(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('x-request-id');
    const requestId = header && /^[\w.-]{1,100}$/.test(header) ? header : randomUUID();
    res.locals.requestId = requestId;
    res.locals.log = log.child({ request_id: requestId });
    res.setHeader('x-request-id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path only: query strings carry OAuth codes and states.
      res.locals.log.info(
        { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) },
        'request',
      );
    });
    next();
  };
}
