// A mailbox job that found its mailbox's lock taken is queued again a moment later under its own
// key (jobs/mailbox-job.ts). The jobs on a mailbox's mail share its sync lock; its calendar's sync
// holds a lock of its own. `preserve_run_at`: a job of the same key already waiting keeps its
// time, so a busy retry never postpones a job queued for sooner.
import { sql } from '../db/orm.ts';
import type { Executor } from './enqueue.ts';
import {
  auditJobKey,
  type CalendarSyncMode,
  calendarJobKey,
  calendarLockName,
  checkJobKey,
  MAX_ATTEMPTS,
  matchJobKey,
  reconcileJobKey,
  syncJobKey,
  syncLockName,
  TASK,
  trailingSyncJobKey,
} from './job-names.ts';

/** The jobs run under a lock of their mailbox (jobs/mailbox-job.ts). */
export type MailboxJobName =
  | 'syncMailbox'
  | 'checkMailbox'
  | 'reconcileMailbox'
  | 'auditMailbox'
  | 'matchPending'
  | 'calendarSync';

type Payload = {
  mailbox_id: string;
  full?: boolean | undefined;
  probe?: boolean | undefined;
  mode?: CalendarSyncMode | undefined;
};

/** The session lock a job of this kind holds on its mailbox. */
export function mailboxJobLock(kind: MailboxJobName, mailboxId: string): string {
  return kind === 'calendarSync' ? calendarLockName(mailboxId) : syncLockName(mailboxId);
}

/** The key a waiting job of this kind and payload is coalesced under. */
function busyJobKey(kind: MailboxJobName, payload: Payload): string {
  const id = payload.mailbox_id;
  switch (kind) {
    case 'syncMailbox':
      return payload.probe ? trailingSyncJobKey(id) : syncJobKey(id, payload.full === true);
    case 'checkMailbox':
      return checkJobKey(id);
    case 'reconcileMailbox':
      return reconcileJobKey(id);
    case 'auditMailbox':
      return auditJobKey(id);
    case 'matchPending':
      return matchJobKey(id);
    case 'calendarSync':
      return calendarJobKey(id, payload.mode ?? 'incremental');
  }
}

/** The same job, with the same payload, queued again `retryMs` from now (config.timings'
 * mailboxBusyRetryMs). */
export async function requeueBusyMailboxJob(
  db: Executor,
  kind: MailboxJobName,
  payload: Payload & Record<string, unknown>,
  retryMs: number,
): Promise<void> {
  const runAt = new Date(Date.now() + retryMs).toISOString();
  const key = busyJobKey(kind, payload);
  // A pending-mail search is brought forward, never put off, by a retry (enqueueMatch's rule).
  const mode = kind === 'matchPending' ? 'replace' : 'preserve_run_at';
  const when =
    kind === 'matchPending'
      ? sql`least(${runAt}::timestamptz, (select min(run_at) from graphile_worker.jobs
                                        where key = ${key} and locked_at is null))`
      : sql`${runAt}::timestamptz`;
  await db.execute(sql`
    select graphile_worker.add_job(
      identifier => ${TASK[kind]}, payload => ${JSON.stringify(payload)}::json, run_at => ${when},
      max_attempts => ${MAX_ATTEMPTS[kind]}::int, job_key => ${key}, job_key_mode => ${mode})`);
}
