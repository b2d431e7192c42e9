// Opaque list cursors: the last item's sort key as base64url JSON, checked by the list's schema
// on the way back in (a tampered cursor is a 400, never a query error).
import type { z } from 'zod';
import { AppError } from '../app-error.ts';

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(schema: T, cursor: string): z.infer<T> {
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: not JSON
  }
  throw new AppError('invalid_cursor', 'cursor: not a cursor this list gave', {
    details: { field: 'cursor' },
  });
}
