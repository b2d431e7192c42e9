// Column helpers every schema file uses alike.
import { pgCore } from './orm.ts';

export const createdAt = () =>
  pgCore.timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
export const tstz = (name: string) => pgCore.timestamp(name, { withTimezone: true });
