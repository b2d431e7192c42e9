// A JSON body read into Buffers (outside the JavaScript heap) up to a limit, then parsed once. It
// replaces express.json where bodies are large: the byte limit is enforced while streaming, a
// body that does not say JSON is left unread, and nothing but the parsed value stays referenced.
import type { NextFunction, Request, Response } from 'express';
import { AppError } from '../app-error.ts';

export function readJsonBody(maxBytes: number) {
  return (req: Request, _res: Response, next: NextFunction) => {
    if (!req.is('application/json')) {
      req.body = undefined;
      next();
      return;
    }
    const chunks: Buffer[] = [];
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
      chunks.push(chunk);
    });
    req.once('error', () => fail(new AppError('invalid_request', 'the request body was cut off')));
    req.once('end', () => {
      if (failed) return;
      const raw = Buffer.concat(chunks, size);
      chunks.length = 0;
      try {
        req.body = JSON.parse(raw.toString('utf8'));
      } catch {
        fail(new AppError('invalid_json', 'request body is not valid JSON'));
        return;
      }
      next();
    });
  };
}
