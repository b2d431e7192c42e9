// Every task the worker runs, by name. Tasks are thin: parse the payload, call one use case.
import type { Task, TaskList } from 'graphile-worker';
import { z } from 'zod';
import { withoutParameters } from '../db/query-errors.ts';
import type { Deps } from '../deps.ts';
import {
  DELIVER_EVENTS_TASK,
  deliverEvents,
  requestEventDelivery,
} from '../events/deliver-events.ts';
import { FINISH_DISCONNECT_TASK, finishDisconnect } from '../mailbox/disconnect.ts';
import { renewWatch } from '../mailbox/renew-watch.ts';
import { SYNC_TASK, syncJobKey, syncLockName } from '../queue/sync-jobs.ts';
import { POLL_TASK, pollCycle, RENEW_WATCH_TASK } from '../sync/poll.ts';
import { makeSharedStatements } from '../sync/shared-statements.ts';
import { syncMailbox } from '../sync/sync-mailbox.ts';

const pingPayload = z.object({
  note: z.string().max(200),
  delay_ms: z.number().int().min(0).max(10_000).default(0),
});
/** How long a sync that found its mailbox busy waits before it tries again. */
const BUSY_RETRY_MS = 2_000;

const syncPayload = z.object({ mailbox_id: z.uuid(), full: z.boolean().optional() });
const mailboxPayload = z.object({ mailbox_id: z.uuid() });

export function makeTaskList(deps: Deps): TaskList {
  const syncDeps = {
    db: deps.database.db,
    shared: makeSharedStatements(deps.database.db),
    log: deps.log,
    mailboxAuth: deps.mailboxAuth,
    pacers: deps.pacers,
    backfillDays: deps.config.sync.backfillDays,
  };
  const { webhookUrl, webhookSecret } = deps.config.crm;
  const webhook =
    webhookUrl && webhookSecret ? { url: webhookUrl, secret: webhookSecret } : undefined;
  const disconnectDeps = {
    db: deps.database.db,
    pacers: deps.pacers,
    mailboxAuth: deps.mailboxAuth,
    google: deps.config.google,
    log: deps.log,
  };
  async function runSync(mailboxId: string, full: boolean, jobId: string): Promise<void> {
    const started = performance.now();
    const mode = full ? 'full' : 'incremental';
    try {
      const outcome = await syncMailbox(
        { ...syncDeps, log: deps.log.child({ job_id: jobId }) },
        mailboxId,
        { full },
      );
      const seconds = (performance.now() - started) / 1000;
      if (outcome.kind === 'synced') {
        deps.metrics.sync(outcome.mode, 'ok', seconds);
        deps.metrics.activitiesLogged(outcome.logged);
      } else if (outcome.kind === 'revoked') {
        deps.metrics.tokenRefreshFailed();
        deps.metrics.sync(mode, 'revoked', seconds);
      }
      const newEvents =
        (outcome.kind === 'synced' && outcome.logged > 0) || outcome.kind === 'revoked';
      if (newEvents && webhook) await requestEventDelivery(deps.database.db);
    } catch (error) {
      deps.metrics.sync(mode, 'failed', (performance.now() - started) / 1000);
      throw error;
    }
  }

  return withoutParametersInErrors({
    [SYNC_TASK]: async (payload, helpers) => {
      const { mailbox_id, full } = syncPayload.parse(payload);
      const release = await deps.database.locks.tryLock(syncLockName(mailbox_id));
      if (!release) {
        // Another sync of this mailbox is running and may have read its history before the change
        // this job was queued for: run again once it is likely done (a waiting job keeps its time).
        await helpers.addJob(SYNC_TASK, payload, {
          jobKey: syncJobKey(mailbox_id, full === true),
          jobKeyMode: 'preserve_run_at',
          runAt: new Date(Date.now() + BUSY_RETRY_MS),
          maxAttempts: 10,
        });
        return;
      }
      try {
        await runSync(mailbox_id, full === true, helpers.job.id);
      } finally {
        await release();
      }
    },
    [DELIVER_EVENTS_TASK]: async () => {
      await deliverEvents({ db: deps.database.db, log: deps.log }, webhook);
    },
    [POLL_TASK]: async () => {
      await pollCycle(deps);
    },
    [RENEW_WATCH_TASK]: async (payload) => {
      const { mailbox_id } = mailboxPayload.parse(payload);
      await renewWatch({ ...syncDeps, google: deps.config.google }, mailbox_id);
    },
    [FINISH_DISCONNECT_TASK]: async (payload) => {
      await finishDisconnect(disconnectDeps, mailboxPayload.parse(payload).mailbox_id);
    },
    /** Proves the enqueue → worker path: records that a worker ran it. */
    ping: async (payload, helpers) => {
      const { note, delay_ms } = pingPayload.parse(payload);
      if (delay_ms > 0) await new Promise((resolve) => setTimeout(resolve, delay_ms));
      await deps.database.pool.query(
        `insert into events (org_id, type, payload) values ('system', 'worker.ping', $1)`,
        [{ note, job_id: helpers.job.id }],
      );
    },
  });
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
