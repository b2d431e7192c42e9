// Syncs an operator asks for from the CLI.

import { AppError } from '../app-error.ts';
import type { Database, Db } from '../db/database.ts';
import { and, eq, ne } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import { enqueueSync } from '../queue/enqueue.ts';
import { TASK } from '../queue/job-names.ts';

export async function resyncByEmail(db: Db, email: string, full: boolean): Promise<string> {
  const [mailbox] = await db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.email, email.toLowerCase()), ne(mailboxes.status, 'disconnected')));
  if (!mailbox) throw new AppError('mailbox_not_connected', `no connected mailbox ${email}`);
  return enqueueSync(db, mailbox.id, { full });
}

/** Waits until no sync, poll check or watch job is waiting or running (failed-for-good jobs do not
 * count). */
export async function waitForSyncs(
  database: Database,
  onProgress: (left: number) => void,
  opts: { pollMs?: number; timeoutMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  let last = -1;
  for (;;) {
    const { rows } = await database.pool.query<{ n: number }>(
      `select count(*)::int as n from graphile_worker.jobs
        where task_identifier = any($1) and attempts < max_attempts`,
      [[TASK.syncMailbox, TASK.checkMailbox, TASK.renewWatch, TASK.calendarSync]],
    );
    const left = rows[0]?.n ?? 0;
    if (left === 0) return;
    if (left !== last) onProgress(left);
    last = left;
    if (Date.now() > deadline) throw new Error(`${left} jobs still pending after the timeout`);
    await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 500));
  }
}
