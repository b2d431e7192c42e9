// A JSON body read into Buffers (outside the JavaScript heap) up to a limit, then parsed once. It
// replaces express.json for every route: the byte limit and the body's shape (depth, array items,
// values: json-shape.ts) are enforced while streaming, before anything is parsed, so a refused
// body never becomes objects; a body that does not say JSON is left unread, and nothing but the
// parsed value stays referenced.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../app-error.ts';
import { DEFAULT_JSON_SHAPE, type JsonShapeLimits, JsonShapeScanner } from './json-shape.ts';

export function readJsonBody(maxBytes: number, shape: JsonShapeLimits = DEFAULT_JSON_SHAPE) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is('application/json')) {
      req.body = undefined;
      next();
      return;
    }
    const chunks: Buffer[] = [];
    const scanner = new JsonShapeScanner(shape);
    let size = 0;
    let failed = false;
    const fail = (error: AppError) => {
      if (failed) return;
      failed = true;
      chunks.length = 0;
      // The rest of the body is discarded as it arrives, never kept.
      req.removeAllListeners('data');
      req.resume();
      next(error);
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        fail(new AppError('payload_too_large', `request body: at most ${maxBytes} bytes`));
        return;
      }
      const broken = scanner.feed(chunk);
      if (broken) {
        fail(new AppError('payload_too_large', `request body: ${broken}`));
        return;
      }
      chunks.push(chunk);
    });
    req.once('error', () => fail(new AppError('invalid_request', 'the request body was cut off')));
    req.once('end', () => {
      if (failed) return;
      const raw = Buffer.concat(chunks, size);
      chunks.length = 0;
      try {
        // An empty body is no body (as express.json reads it), not invalid JSON.
        req.body = size === 0 ? undefined : JSON.parse(raw.toString('utf8'));
      } catch {
        fail(new AppError('invalid_json', 'request body is not valid JSON'));
        return;
      }
      next();
    });
  };
}
