// Every task the worker runs, by name: each parses its payload and calls one use case. The jobs on a
// mailbox's mail share one runner (mailbox-job.ts); what follows a run is the use case's business.
import type { Task, TaskList } from 'graphile-worker';
import { z } from 'zod';
import { pollCalendars } from '../calendar/calendar-poll.ts';
import { makeCalendarRelease } from '../calendar/calendar-release.ts';
import { withoutParameters } from '../db/query-errors.ts';
import type { Deps } from '../deps.ts';
import { deliverEvents } from '../events/deliver-events.ts';
import { pollCycle } from '../ingest/poll.ts';
import { finishDisconnect } from '../mailbox/disconnect.ts';
import { refreshSendAs } from '../mailbox/send-as.ts';
import { renewWatch } from '../mailbox/watch.ts';
import { TASK } from '../queue/job-names.ts';
import { planRetroSearch, runRetroSearch } from '../retro-search/retro-search.ts';
import { runScheduledSend } from '../scheduled/run-scheduled.ts';
import { sendingDeps } from '../scheduled/scheduled-deps.ts';
import { makeCalendarTask } from './calendar-task.ts';
import { makeMailboxTasks } from './mailbox-tasks.ts';
import { makeResolveSendTask } from './resolve-send-task.ts';
import { makeSyncDeps } from './sync-deps.ts';
import { putOffWhenThrottled } from './throttled-jobs.ts';
import { makeWorkspaceTasks } from './workspace-task.ts';

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
  const mailboxTasks = makeMailboxTasks(deps, syncDeps);

  const tasks: Record<string, Task> = {
    [TASK.syncMailbox]: mailboxTasks.syncTask,
    [TASK.checkMailbox]: mailboxTasks.checkTask,
    [TASK.matchPending]: mailboxTasks.matchTask,
    [TASK.reconcileMailbox]: mailboxTasks.reconcileTask,
    [TASK.auditMailbox]: mailboxTasks.auditTask,
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
    },
    [TASK.refreshSendAs]: async (payload) => {
      await refreshSendAs(syncDeps, mailboxPayload.parse(payload).mailbox_id);
    },
    [TASK.sendScheduled]: async (payload) => {
      const { scheduled_id } = scheduledPayload.parse(payload);
      const outcome = await runScheduledSend(sendingDeps(deps), scheduled_id);
      deps.log.info({ scheduled_id, outcome }, 'scheduled mail attempt');
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
