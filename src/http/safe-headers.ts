// Headers every answer carries. `nosniff` stops a browser from guessing a JSON or text answer is
// HTML or script. `no-store`: answers carry mail (activities, status, the admin page) or OAuth
// links and none gains from a cache, so no browser, proxy or CDN keeps a copy; a route that is
// safe to cache (none today) may override it.
import type { NextFunction, Request, Response } from 'express';

export function safeHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'no-store');
  next();
}
