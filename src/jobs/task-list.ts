// Every task the worker runs, by name. Tasks are thin: parse the payload, call one use case.
import type { Task, TaskList } from 'graphile-worker';
import { z } from 'zod';
import { pollCalendars } from '../calendar/calendar-poll.ts';
import { makeCalendarRelease } from '../calendar/calendar-release.ts';
import { makeCalendarTask } from '../calendar/calendar-task.ts';
import { withoutParameters } from '../db/query-errors.ts';
import type { Deps } from '../deps.ts';
import { deliverEvents, requestEventDelivery } from '../events/deliver-events.ts';
import { checkMailbox, settleCheck } from '../ingest/check-mailbox.ts';
import { pollCycle } from '../ingest/poll.ts';
import { syncMailbox } from '../ingest/sync-mailbox.ts';
import { finishDisconnect } from '../mailbox/disconnect.ts';
import { refreshSendAs } from '../mailbox/send-as.ts';
import { renewWatch } from '../mailbox/watch.ts';
import { enqueueMatch, enqueueReconcile, enqueueScheduledSend } from '../queue/enqueue.ts';
import {
  checkJobKey,
  MAX_ATTEMPTS,
  syncJobKey,
  syncLockName,
  TASK,
  trailingSyncJobKey,
} from '../queue/job-names.ts';
import { planRetroSearch, runRetroSearch } from '../retro-search/retro-search.ts';
import { runScheduledSend } from '../scheduled/run-scheduled.ts';
import { sendingDeps } from '../scheduled/scheduled-deps.ts';
import { runMatch } from '../search-first/match-mailbox.ts';
import { auditTask } from './audit-task.ts';
import { reconcileTask } from './reconcile-task.ts';
import { makeResolveSendTask } from './resolve-send-task.ts';
import { makeSyncDeps } from './sync-deps.ts';
import { putOffWhenThrottled } from './throttled-jobs.ts';
import { makeWorkspaceTasks } from './workspace-task.ts';

const syncPayload = z.object({
  mailbox_id: z.uuid(),
  full: z.boolean().optional(),
  probe: z.boolean().optional(),
});
const checkPayload = z.object({
  mailbox_id: z.uuid(),
  profile_history_id: z
    .string()
    .regex(/^\d{1,19}$/)
    .optional(),
});
const mailboxPayload = z.object({ mailbox_id: z.uuid() });
const scheduledPayload = z.object({ scheduled_id: z.uuid() });
const orgPayload = z.object({ org_id: z.string().min(1) });
const retroPayload = z.object({
  mailbox_id: z.uuid(),
  terms: z.array(z.string()).max(1000),
  pass: z.number().int().min(1).max(2).optional(),
});

export function makeTaskList(deps: Deps): TaskList {
  const syncDeps = makeSyncDeps(deps);
  const { webhookUrl, webhookSecret } = deps.config.crm;
  const webhook =
    webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret } : undefined;
  const disconnectDeps = {
    db: deps.database.db,
    pacers: deps.pacers,
    mailboxAuth: deps.mailboxAuth,
    google: deps.config.google,
    log: deps.log,
    beforeRevoke: makeCalendarRelease({
      ...deps,
      db: deps.database.db,
      google: deps.config.google,
    }),
  };
  async function runSync(
    mailboxId: string,
    full: boolean,
    jobId: string,
    probe = false,
  ): Promise<void> {
    const started = performance.now();
    const mode = full ? 'full' : 'incremental';
    try {
      const outcome = await syncMailbox(
        { ...syncDeps, log: deps.log.child({ job_id: jobId }) },
        mailboxId,
        { full, probe },
      );
      const seconds = (performance.now() - started) / 1000;
      if (outcome.kind === 'up_to_date') deps.metrics.sync('probe', 'up_to_date', seconds);
      if (outcome.kind === 'synced') {
        deps.metrics.sync(outcome.mode, 'ok', seconds);
        deps.metrics.activitiesLogged(outcome.logged);
        if (outcome.mode !== 'incremental') {
          const runAt = new Date(Date.now() + deps.config.timings.reconcileAfterFullSyncMs);
          await enqueueReconcile(deps.database.db, mailboxId, { window: 'backfill', runAt });
        }
      } else if (outcome.kind === 'revoked') {
        deps.metrics.tokenRefreshFailed();
        deps.metrics.sync(mode, 'revoked', seconds);
      }
      const lost = outcome.kind === 'revoked' || outcome.kind === 'needs_admin';
      const newEvents = (outcome.kind === 'synced' && outcome.logged > 0) || lost;
      if (newEvents && webhook) await requestEventDelivery(deps.database.db);
    } catch (error) {
      deps.metrics.sync(mode, 'failed', (performance.now() - started) / 1000);
      throw error;
    }
  }

  const tasks: Record<string, Task> = {
    [TASK.syncMailbox]: async (payload, helpers) => {
      const { mailbox_id, full, probe } = syncPayload.parse(payload);
      const release = await deps.database.locks.tryLock(syncLockName(mailbox_id));
      if (!release) {
        // Another sync of this mailbox is running and may have read its history before the change
        // this job was queued for: run again once it is likely done (a waiting job keeps its time).
        await helpers.addJob(TASK.syncMailbox, payload, {
          jobKey: probe ? trailingSyncJobKey(mailbox_id) : syncJobKey(mailbox_id, full === true),
          jobKeyMode: 'preserve_run_at',
          runAt: new Date(Date.now() + deps.config.timings.mailboxBusyRetryMs),
          maxAttempts: MAX_ATTEMPTS.syncMailbox,
        });
        return;
      }
      try {
        await runSync(mailbox_id, full === true, helpers.job.id, probe === true);
      } finally {
        await release();
      }
    },
    [TASK.reconcileMailbox]: reconcileTask(deps, syncDeps, webhook !== undefined),
    [TASK.matchPending]: async (payload) => {
      const { mailbox_id } = mailboxPayload.parse(payload);
      const release = await deps.database.locks.tryLock(syncLockName(mailbox_id));
      if (!release) {
        // A sync of this mailbox is running (it may be adding pending mail): search after it.
        await enqueueMatch(
          deps.database.db,
          mailbox_id,
          new Date(Date.now() + deps.config.timings.mailboxBusyRetryMs),
        );
        return;
      }
      try {
        const result = await runMatch(syncDeps, mailbox_id, deps.config.sync.searchFirst);
        if (!result) return;
        deps.metrics.activitiesLogged(result.logged);
        deps.metrics.pendingMail('found', result.found);
        deps.metrics.pendingMail('followed', result.followed);
        deps.metrics.pendingMail('let_go', result.settled);
        if (result.logged > 0 && webhook) await requestEventDelivery(deps.database.db);
      } finally {
        await release();
      }
    },
    [TASK.auditMailbox]: auditTask(deps, syncDeps, webhook !== undefined),
    [TASK.checkMailbox]: async (payload, helpers) => {
      const { mailbox_id, profile_history_id } = checkPayload.parse(payload);
      const release = await deps.database.locks.tryLock(syncLockName(mailbox_id));
      if (!release) {
        // A sync of this mailbox is running: look once it is done (it may cover the change).
        await helpers.addJob(TASK.checkMailbox, payload, {
          jobKey: checkJobKey(mailbox_id),
          jobKeyMode: 'preserve_run_at',
          runAt: new Date(Date.now() + deps.config.timings.mailboxBusyRetryMs),
          maxAttempts: MAX_ATTEMPTS.checkMailbox,
        });
        return;
      }
      try {
        const profile = profile_history_id === undefined ? undefined : Number(profile_history_id);
        const log = deps.log.child({ job_id: helpers.job.id, mailbox_id });
        const checkDeps = { ...syncDeps, log };
        const outcome = await checkMailbox(checkDeps, mailbox_id, profile);
        if (outcome.kind === 'revoked') deps.metrics.tokenRefreshFailed();
        if (outcome.kind !== 'unread') {
          deps.metrics.pollCheck(outcome.kind);
          return log.debug(outcome, 'mailbox checked');
        }
        // Gmail still ahead of the cursor: synced now (same lock), settled by what the sync found.
        await runSync(mailbox_id, false, helpers.job.id);
        const settled = await settleCheck(checkDeps, mailbox_id, outcome);
        deps.metrics.pollCheck(settled.kind);
        // A missed push is what an operator watches for: Pub/Sub losing pushes for this mailbox.
        if (settled.kind === 'missed_push') log.warn('change found that no push announced');
        else log.debug(settled, 'mailbox checked');
      } finally {
        await release();
      }
    },
    [TASK.deliverEvents]: async () => {
      await deliverEvents({ db: deps.database.db, log: deps.log, http: deps.outbound }, webhook);
    },
    [TASK.poll]: async () => {
      await pollCycle(deps);
      if (deps.config.google.syncCalendar) await pollCalendars(deps.database.db);
    },
    [TASK.renewWatch]: async (payload) => {
      const { mailbox_id } = mailboxPayload.parse(payload);
      await renewWatch({ ...syncDeps, google: deps.config.google }, mailbox_id);
    },
    [TASK.retroOrg]: async (payload) => {
      await planRetroSearch(syncDeps, orgPayload.parse(payload).org_id);
    },
    [TASK.retroSearch]: async (payload, helpers) => {
      const retroDeps = { ...syncDeps, retroDays: deps.config.sync.retroDays };
      const result = await runRetroSearch(
        { ...retroDeps, log: deps.log.child({ job_id: helpers.job.id }) },
        retroPayload.parse(payload),
      );
      if (result) deps.metrics.activitiesLogged(result.logged);
      if (result && result.logged + result.relinked > 0 && webhook) {
        await requestEventDelivery(deps.database.db);
      }
    },
    [TASK.refreshSendAs]: async (payload) => {
      await refreshSendAs(syncDeps, mailboxPayload.parse(payload).mailbox_id);
    },
    [TASK.sendScheduled]: async (payload) => {
      const { scheduled_id } = scheduledPayload.parse(payload);
      const outcome = await runScheduledSend(sendingDeps(deps), scheduled_id);
      deps.log.info({ scheduled_id, outcome }, 'scheduled mail attempt');
      // Another process holds this mail's lock (a duplicate job): look again once it is done.
      if (outcome === 'busy') {
        await enqueueScheduledSend(
          deps.database.db,
          scheduled_id,
          new Date(Date.now() + deps.config.timings.mailboxBusyRetryMs),
        );
      }
      if (outcome !== 'busy' && outcome !== 'nothing_due' && webhook) {
        await requestEventDelivery(deps.database.db);
      }
    },
    [TASK.calendarSync]: makeCalendarTask(deps),
    [TASK.resolveSend]: makeResolveSendTask(deps),
    [TASK.finishDisconnect]: async (payload) => {
      await finishDisconnect(disconnectDeps, mailboxPayload.parse(payload).mailbox_id);
    },
    ...makeWorkspaceTasks(deps),
  };
  const throttling = { db: deps.database.db, log: deps.log };
  return withoutParametersInErrors(putOffWhenThrottled(throttling, tasks));
}

/**
 * graphile-worker stores a failed job's error message in `last_error` and logs its stack: a
 * database error would put its query parameters (mail content) in both, so tasks throw a copy
 * without them.
 */
function withoutParametersInErrors(tasks: Record<string, Task>): TaskList {
  const wrap =
    (task: Task): Task =>
    async (payload, helpers) => {
      try {
        return await task(payload, helpers);
      } catch (error) {
        throw withoutParameters(error);
      }
    };
  return Object.fromEntries(Object.entries(tasks).map(([name, task]) => [name, wrap(task)]));
}
