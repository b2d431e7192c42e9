// The jobs on a mailbox's mail, each run by the one mailbox runner (mailbox-job.ts: lock or
// requeue, once): the payload's shape, the use case, the metrics of its outcome. What follows a
// run (a reconciliation after a full sync, the audit after a reconciliation, an audit's next slice,
// the CRM told of new events) is the use case's own business.
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { checkMailbox, settleCheck } from '../ingest/check-mailbox.ts';
import { syncMailbox } from '../ingest/sync-mailbox.ts';
import type { Logger } from '../logger.ts';
import { runReconciliation } from '../reconcile/reconcile-mailbox.ts';
import { runAudit } from '../search-audit/audit-mailbox.ts';
import { runMatch } from '../search-first/match-mailbox.ts';
import type { SyncDeps } from '../sync/sync-context.ts';
import { mailboxJob } from './mailbox-job.ts';

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
const reconcilePayload = z.object({
  mailbox_id: z.uuid(),
  window: z.enum(['backfill', 'since_last']).optional(),
});

export function makeMailboxTasks(deps: Deps, syncDeps: SyncDeps) {
  /** A sync, with its metrics; the caller holds the mailbox's lock. */
  async function runSync(mailboxId: string, log: Logger, full: boolean, probe = false) {
    const started = performance.now();
    const mode = full ? 'full' : 'incremental';
    try {
      const outcome = await syncMailbox({ ...syncDeps, log }, mailboxId, { full, probe });
      const seconds = (performance.now() - started) / 1000;
      if (outcome.kind === 'up_to_date') deps.metrics.sync('probe', 'up_to_date', seconds);
      if (outcome.kind === 'synced') {
        deps.metrics.sync(outcome.mode, 'ok', seconds);
        deps.metrics.activitiesLogged(outcome.logged);
      } else if (outcome.kind === 'revoked') {
        deps.metrics.tokenRefreshFailed();
        deps.metrics.sync(mode, 'revoked', seconds);
      }
    } catch (error) {
      deps.metrics.sync(mode, 'failed', (performance.now() - started) / 1000);
      throw error;
    }
  }

  const syncTask = mailboxJob(deps, 'syncMailbox', syncPayload, async ({ payload, log }) => {
    await runSync(payload.mailbox_id, log, payload.full === true, payload.probe === true);
  });

  const checkTask = mailboxJob(deps, 'checkMailbox', checkPayload, async ({ payload, log }) => {
    const { mailbox_id, profile_history_id } = payload;
    const profile = profile_history_id === undefined ? undefined : Number(profile_history_id);
    const checkDeps = { ...syncDeps, log: log.child({ mailbox_id }) };
    const outcome = await checkMailbox(checkDeps, mailbox_id, profile);
    if (outcome.kind === 'revoked') deps.metrics.tokenRefreshFailed();
    if (outcome.kind !== 'unread') {
      deps.metrics.pollCheck(outcome.kind);
      return checkDeps.log.debug(outcome, 'mailbox checked');
    }
    // Gmail still ahead of the cursor: synced now (same lock), settled by what the sync found.
    await runSync(mailbox_id, log, false);
    const settled = await settleCheck(checkDeps, mailbox_id, outcome);
    deps.metrics.pollCheck(settled.kind);
    // A missed push is what an operator watches for: Pub/Sub losing pushes for this mailbox.
    if (settled.kind === 'missed_push') checkDeps.log.warn('change found that no push announced');
    else checkDeps.log.debug(settled, 'mailbox checked');
  });

  const matchTask = mailboxJob(deps, 'matchPending', mailboxPayload, async ({ payload }) => {
    const result = await runMatch(syncDeps, payload.mailbox_id, deps.config.sync.searchFirst);
    if (!result) return;
    deps.metrics.activitiesLogged(result.logged);
    deps.metrics.pendingMail('found', result.found);
    deps.metrics.pendingMail('followed', result.followed);
    deps.metrics.pendingMail('let_go', result.settled);
  });

  const reconcileTask = mailboxJob(
    deps,
    'reconcileMailbox',
    reconcilePayload,
    async ({ payload }) => {
      const window = payload.window ?? 'since_last';
      const outcome = await runReconciliation(syncDeps, payload.mailbox_id, window);
      if (outcome.kind !== 'reconciled') return;
      const { result } = outcome;
      const found = result.repaired.length + result.missing.length;
      deps.metrics.reconciled(found, result.repaired.length, result.units);
      deps.metrics.activitiesLogged(result.repaired.length);
    },
  );

  const auditTask = mailboxJob(deps, 'auditMailbox', mailboxPayload, async ({ payload, log }) => {
    const options = deps.config.sync.audit;
    const result = await runAudit({ ...syncDeps, log }, payload.mailbox_id, options);
    if (!result) return;
    deps.metrics.audited(
      {
        clean: result.sampled - result.missed,
        missed: result.missed,
        widened_clean: result.widened - result.widenedMissed,
        widened_missed: result.widenedMissed,
      },
      result.units,
    );
    deps.metrics.activitiesLogged(result.logged.length + result.followed);
  });

  return { syncTask, checkTask, matchTask, reconcileTask, auditTask } satisfies Record<
    string,
    Task
  >;
}
