// Adding jobs through graphile-worker's SQL functions, so a job can be committed in the same
// transaction (or statement) as the rows that call for it: the push endpoint acks only after its
// jobs commit. Job rows are always built by field name (graphile_worker.job_spec), never by position.
import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import {
  auditJobKey,
  type CheckJobPayload,
  checkJobKey,
  DELIVER_EVENTS_JOB,
  disconnectJobKey,
  MAX_ATTEMPTS,
  mailboxJobKeys,
  matchJobKey,
  type ReconcileJobPayload,
  type ResolveSendPayload,
  type RetroSearchPayload,
  reconcileJobKey,
  resolveSendJobKey,
  retroSearchQueue,
  type SyncJobPayload,
  scheduledJobKey,
  syncJobKey,
  TASK,
  watchJobKey,
} from './job-names.ts';

/** The database or an open transaction: anything that can run a statement. */
export type Executor = Pick<Db, 'execute'>;

export interface JobSpec {
  /** Coalesces: while a job with this key waits, adding another replaces it (one pending job). */
  jobKey?: string;
  /** Jobs in one queue run one at a time, in order. */
  queueName?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
}

export async function addJob(
  db: Executor,
  task: string,
  payload: Record<string, unknown>,
  spec: JobSpec = {},
): Promise<string> {
  const result = await db.execute<{ id: string }>(sql`
    select id from graphile_worker.add_job(
      identifier => ${task}, payload => ${JSON.stringify(payload)}::json,
      queue_name => ${spec.queueName ?? null}, run_at => ${spec.runAt?.toISOString() ?? null}::timestamptz,
      max_attempts => ${spec.maxAttempts ?? null}::int, job_key => ${spec.jobKey ?? null},
      priority => ${spec.priority ?? null}::int)`);
  const id = result.rows[0]?.id;
  if (id === undefined) throw new Error(`add_job returned no job for ${task}`);
  return String(id);
}

export function enqueueSync(
  db: Executor,
  mailboxId: string,
  opts: { full?: boolean; runAt?: Date } = {},
) {
  const full = opts.full === true;
  const payload: SyncJobPayload = { mailbox_id: mailboxId, ...(full ? { full } : {}) };
  return addJob(
    db,
    TASK.syncMailbox,
    { ...payload },
    {
      jobKey: syncJobKey(mailboxId, full),
      ...(opts.runAt ? { runAt: opts.runAt } : {}),
      maxAttempts: MAX_ATTEMPTS.syncMailbox,
    },
  );
}

/** A reconciliation of one mailbox: after a full sync or recovery, daily, or on demand. */
export function enqueueReconcile(
  db: Executor,
  mailboxId: string,
  opts: { window?: ReconcileJobPayload['window']; runAt?: Date } = {},
) {
  const payload: ReconcileJobPayload = {
    mailbox_id: mailboxId,
    window: opts.window ?? 'since_last',
  };
  return addJob(
    db,
    TASK.reconcileMailbox,
    { ...payload },
    {
      jobKey: reconcileJobKey(mailboxId),
      ...(opts.runAt ? { runAt: opts.runAt } : {}),
      maxAttempts: MAX_ATTEMPTS.reconcileMailbox,
    },
  );
}

/** An audit of the mail search let go in one mailbox (search-audit/), at once or at `runAt`. */
export function enqueueAudit(db: Executor, mailboxId: string, runAt?: Date) {
  return addJob(
    db,
    TASK.auditMailbox,
    { mailbox_id: mailboxId },
    {
      jobKey: auditJobKey(mailboxId),
      ...(runAt ? { runAt } : {}),
      maxAttempts: MAX_ATTEMPTS.auditMailbox,
    },
  );
}

/**
 * The search for a mailbox's pending mail at `runAt`, or earlier if one already waits for earlier:
 * mail seen later never postpones a search another mail is waiting for, and a settling search
 * planned minutes ahead is brought forward by new mail.
 */
export async function enqueueMatch(db: Executor, mailboxId: string, runAt: Date): Promise<void> {
  const key = matchJobKey(mailboxId);
  await db.execute(sql`
    select graphile_worker.add_job(
      identifier => ${TASK.matchPending}, payload => json_build_object('mailbox_id', ${mailboxId}::text),
      run_at => least(${runAt.toISOString()}::timestamptz,
                      (select min(run_at) from graphile_worker.jobs where key = ${key} and locked_at is null)),
      max_attempts => ${MAX_ATTEMPTS.matchPending}::int, job_key => ${key}, job_key_mode => 'replace')`);
}

/** A check's second look at Gmail's historyId, once pushes in flight have landed
 * (ingest/check-mailbox.ts). */
export function enqueueSecondLook(
  db: Executor,
  mailboxId: string,
  profileHistoryId: number,
  runAt: Date,
) {
  const payload: CheckJobPayload = {
    mailbox_id: mailboxId,
    profile_history_id: String(profileHistoryId),
  };
  return addJob(
    db,
    TASK.checkMailbox,
    { ...payload },
    { jobKey: checkJobKey(mailboxId), runAt, maxAttempts: MAX_ATTEMPTS.checkMailbox },
  );
}

/** A renewal of the mailbox's watch now (the poll queues the daily ones). */
export function enqueueRenewWatch(db: Executor, mailboxId: string) {
  return addJob(
    db,
    TASK.renewWatch,
    { mailbox_id: mailboxId },
    { jobKey: watchJobKey(mailboxId), maxAttempts: MAX_ATTEMPTS.renewWatch },
  );
}

/**
 * The mailbox's waiting jobs that would call Gmail before `runAt` are moved to it (Gmail refuses
 * the mailbox until then): none runs only to be refused. Jobs already running are left alone.
 */
export async function rescheduleMailboxJobs(
  db: Executor,
  mailboxId: string,
  runAt: Date,
): Promise<number> {
  const { rows } = await db.execute<{ n: number }>(sql`
    select count(*)::int as n from graphile_worker.reschedule_jobs(array(
      select id from graphile_worker.jobs
       where key = any(${sqlArray(mailboxJobKeys(mailboxId), 'text')})
         and locked_at is null and run_at < ${runAt.toISOString()}::timestamptz
    ), run_at => ${runAt.toISOString()}::timestamptz)`);
  return rows[0]?.n ?? 0;
}

/** The look, again, for a send whose outcome Gmail could not say yet (send/resolve-send.ts). */
export function enqueueSendResolution(
  db: Executor,
  payload: ResolveSendPayload,
  runAt = new Date(Date.now() + 15_000),
) {
  return addJob(
    db,
    TASK.resolveSend,
    { ...payload },
    {
      jobKey: resolveSendJobKey(payload.mailbox_id, payload.message_id_header),
      runAt,
      maxAttempts: MAX_ATTEMPTS.resolveSend,
    },
  );
}

/** A disconnect whose revocation at Google must be retried later. */
export function enqueueFinishDisconnect(db: Executor, mailboxId: string, runAt: Date) {
  return addJob(
    db,
    TASK.finishDisconnect,
    { mailbox_id: mailboxId },
    {
      jobKey: disconnectJobKey(mailboxId),
      runAt,
      maxAttempts: MAX_ATTEMPTS.finishDisconnect,
    },
  );
}

/** One delivery run for all pending events; runs queue behind each other, in order. */
export function enqueueEventDelivery(db: Executor) {
  return addJob(
    db,
    TASK.deliverEvents,
    {},
    {
      jobKey: DELIVER_EVENTS_JOB.key,
      queueName: DELIVER_EVENTS_JOB.queue,
    },
  );
}

/**
 * Set-based adding, for statements that queue one job per selected mailbox: the SQL of a job spec
 * for each row of the query around it (whose mailbox id column is `id`), by field name. Text, not
 * parameters, so it fits static named statements; it holds only this module's constants and
 * `runAt`, an SQL expression written in code (never input).
 */
export function mailboxJobSpecSql(
  kind:
    | 'syncMailbox'
    | 'renewWatch'
    | 'reconcileMailbox'
    | 'checkMailbox'
    | 'matchPending'
    | 'auditMailbox'
    | 'finishDisconnect',
  runAt = 'null',
  keyPrefix = {
    syncMailbox: syncJobKey(''),
    renewWatch: watchJobKey(''),
    reconcileMailbox: reconcileJobKey(''),
    checkMailbox: checkJobKey(''),
    matchPending: matchJobKey(''),
    auditMailbox: auditJobKey(''),
    finishDisconnect: disconnectJobKey(''),
  }[kind],
  /** A sync that first asks getProfile whether Gmail moved past the cursor (SyncJobPayload.probe). */
  probe = false,
): string {
  const payload = probe
    ? `json_build_object('mailbox_id', id, 'probe', true)`
    : `json_build_object('mailbox_id', id)`;
  return `json_populate_record(null::graphile_worker.job_spec, json_build_object(
      'identifier', '${TASK[kind]}', 'payload', ${payload},
      'run_at', ${runAt}, 'max_attempts', ${MAX_ATTEMPTS[kind]}, 'job_key', '${keyPrefix}' || id))`;
}

/** A scheduled mail's next attempt at `runAt` (replacing the one waiting, if any). */
export function enqueueScheduledSend(db: Executor, scheduledId: string, runAt: Date) {
  return addJob(
    db,
    TASK.sendScheduled,
    { scheduled_id: scheduledId },
    { jobKey: scheduledJobKey(scheduledId), runAt, maxAttempts: MAX_ATTEMPTS.sendScheduled },
  );
}

/** The waiting attempt of a cancelled mail is dropped (one that already runs finds it cancelled). */
export async function removeScheduledSendJob(db: Executor, scheduledId: string): Promise<void> {
  await db.execute(sql`select graphile_worker.remove_job(${scheduledJobKey(scheduledId)})`);
}

/** A mailbox's retroactive search for some terms, in the mailbox's own queue (one at a time). */
export function enqueueRetroSearch(
  db: Executor,
  payload: RetroSearchPayload,
  runAt?: Date,
): Promise<string> {
  return addJob(
    db,
    TASK.retroSearch,
    { ...payload },
    {
      queueName: retroSearchQueue(payload.mailbox_id),
      maxAttempts: MAX_ATTEMPTS.retroSearch,
      ...(runAt ? { runAt } : {}),
    },
  );
}
