// Gives every request an id and a child logger, and logs one line when it finishes (at info).
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
  const logsRequests = log.isLevelEnabled('info');
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('x-request-id');
    const requestId = header && /^[\w.-]{1,100}$/.test(header) ? header : randomUUID();
    res.locals.requestId = requestId;
    // The child logger is made when first used: most requests (pushes) log nothing at warn.
    let child: Logger | undefined;
    Object.defineProperty(res.locals, 'log', {
      get: () => {
        child ??= log.child({ request_id: requestId });
        return child;
      },
    });
    res.setHeader('x-request-id', requestId);
    if (logsRequests) {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        // The path only: query strings carry OAuth codes and states.
        res.locals.log.info(
          { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) },
          'request',
        );
      });
    }
    next();
  };
}
