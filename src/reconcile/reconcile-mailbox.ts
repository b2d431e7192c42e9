// The reconciliation a job runs: the mailbox's Gmail access and pacer (the sync's, so it shares
// the mailbox's quota), progress reported under `reconciliation`, the result returned for metrics.
// Search's own view proven, the audit of what search let go (search-audit/), which checks search's
// verdicts without search, is queued to follow it.
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import { enqueueAudit } from '../queue/enqueue.ts';
import { openSyncContext, type SyncDeps } from '../sync/sync-context.ts';
import { type ReconcileWindow, reconcileMailbox } from './reconcile.ts';
import type { ReconcileResult } from './reconcile-store.ts';

export type ReconcileOutcome =
  | { kind: 'reconciled'; result: ReconcileResult }
  | { kind: 'skipped'; reason: string }
  | { kind: 'revoked' };

export async function runReconciliation(
  deps: SyncDeps,
  mailboxId: string,
  window: ReconcileWindow,
): Promise<ReconcileOutcome> {
  const mailbox = await deps.shared.readMailbox(mailboxId);
  if (!mailbox) return { kind: 'skipped', reason: 'unknown mailbox' };
  if (mailbox.status === 'revoked' || mailbox.status === 'disconnected') {
    return { kind: 'skipped', reason: mailbox.status };
  }
  const log = deps.log.child({ mailbox_id: mailbox.id });
  let ctx: Awaited<ReturnType<typeof openSyncContext>> | undefined;
  try {
    ctx = await openSyncContext(deps, mailbox, log);
    const result = await reconcileMailbox(ctx, window);
    log.info(
      {
        expected: result.expected,
        repaired: result.repaired.length,
        missing: result.missing.length,
        units: result.units,
      },
      'mailbox reconciled',
    );
    await enqueueAudit(deps.db, mailbox.id);
    return { kind: 'reconciled', result };
  } catch (error) {
    if (await handleRevokedGrant(deps, mailbox, error)) return { kind: 'revoked' };
    throw error;
  } finally {
    await ctx?.progress.end();
  }
}
