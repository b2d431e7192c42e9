// Parses request input with zod; failures become a 400 naming the first offending field.
import type { z } from 'zod';
import { AppError } from '../app-error.ts';

export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  where = 'body',
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.length ? issue.path.join('.') : where;
  throw new AppError('invalid_request', `${field}: ${issue?.message ?? 'invalid'}`, {
    details: { field },
  });
}
