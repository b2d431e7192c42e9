// The sync use case a job runs: incremental from the cursor, or full when asked, when the mailbox
// has no cursor yet, or when Gmail no longer has the history since the cursor. Outcomes are
// written to the mailbox (status, last error) and to the outbox; a full or recovering sync queues
// the reconciliation that follows it.

import { EVENT } from '../events/event-types.ts';
import { recordEvent } from '../events/record-events.ts';
import { classifyGoogleError, isGoogleFailure, MailboxThrottled } from '../google/gmail-errors.ts';
import { gmailHistoryId } from '../google/gmail-history-id.ts';
import { markSyncFailed, markSyncHealthy } from '../mailbox/mailbox-transitions.ts';
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import { enqueueReconcile } from '../queue/enqueue.ts';
import { dropSettledTrailingProbe } from '../queue/trailing-probe.ts';
import { SyncIncomplete } from '../sync/log-messages.ts';
import { openSyncContext, type SyncContext, type SyncDeps } from '../sync/sync-context.ts';
import { fullSync } from './full-sync.ts';
import { syncHistory } from './history-sync.ts';

export type SyncOutcome =
  | {
      kind: 'synced';
      mode: 'incremental' | 'full' | 'recovered';
      fetched: number;
      logged: number;
      /** An incremental sync's listing settled the last push's trailing probe (queue/trailing-probe.ts). */
      probeDropped?: boolean;
    }
  /** A probing sync found Gmail where the cursor is: no history listed. */
  | { kind: 'up_to_date' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'revoked' | 'needs_admin' };

export async function syncMailbox(
  deps: SyncDeps,
  mailboxId: string,
  opts: { full?: boolean; probe?: boolean } = {},
): Promise<SyncOutcome> {
  const mailbox = await deps.shared.readMailbox(mailboxId);
  if (!mailbox) return { kind: 'skipped', reason: 'unknown mailbox' };
  if (mailbox.status === 'revoked' || mailbox.status === 'disconnected') {
    return { kind: 'skipped', reason: mailbox.status };
  }
  // An account out of reach is tried again only when its hourly probe is due (the poll's).
  if (mailbox.status === 'needs_admin' && (mailbox.nextRetryAt?.getTime() ?? 0) > Date.now()) {
    return { kind: 'skipped', reason: mailbox.status };
  }
  if (mailbox.throttledUntil && mailbox.throttledUntil.getTime() > Date.now())
    throw new MailboxThrottled(mailbox.throttledUntil);
  const log = deps.log.child({ mailbox_id: mailbox.id });
  try {
    const ctx = await openSyncContext(deps, mailbox, log);
    const full = opts.full === true || mailbox.historyId === null;
    // Gmail's id at or below the cursor, or below an id found quiet (moved with nothing listable).
    const known = Math.max(mailbox.historyId ?? 0, mailbox.quietHistoryId ?? 0);
    if (opts.probe && !full && (await gmailHistoryId(ctx.gmail, ctx.pacer)) <= known) {
      return { kind: 'up_to_date' };
    }
    const {
      gmailHistoryId: listedTo,
      outgoing,
      ...outcome
    } = await runSync(ctx, full).finally(() => ctx.progress.end());
    await markSyncHealthy(deps.db, mailbox);
    if (outcome.mode === 'incremental') {
      // A listing that found the mailbox quiet since an isolated push settles that push's probe,
      // unless the owner just sent or drafted mail (a bounce, an auto-reply, the send itself
      // often follows within the second).
      if (!outgoing)
        outcome.probeDropped = await dropSettledTrailingProbe(deps.db, mailbox.id, {
          gmailHistoryId: listedTo,
          probeDelayMs: deps.timings.trailingSyncDelayMs,
        });
    } else {
      // What the full sync could not find yet (Gmail's search indexes late) is reconciled after,
      // once the index has caught up (reconcileAfterFullSyncMs).
      const runAt = new Date(Date.now() + deps.timings.reconcileAfterFullSyncMs);
      await enqueueReconcile(deps.db, mailbox.id, { window: 'backfill', runAt });
    }
    log.info(outcome, 'mailbox synced');
    return outcome;
  } catch (error) {
    const lost = await handleRevokedGrant(deps, mailbox, error);
    if (lost) {
      log.warn({ state: lost }, 'mailbox grant revoked or account out of reach');
      return { kind: lost };
    }
    // Put off until Gmail's time by the job (jobs/throttled-jobs.ts), not a failure.
    if (error instanceof MailboxThrottled) throw error;
    await markSyncFailed(deps.db, mailbox, failureReason(error));
    throw error;
  }
}

/** A full sync lists no history: it settles no push's probe. */
const NOT_LISTED = { gmailHistoryId: 0, outgoing: true };

async function runSync(
  ctx: SyncContext,
  full: boolean,
): Promise<SyncOutcome & { kind: 'synced'; gmailHistoryId: number; outgoing: boolean }> {
  if (full) {
    ctx.progress?.begin('backfill');
    const r = await fullSync(ctx);
    if (r.pending.length > 0)
      throw new SyncIncomplete(`${r.pending.length} messages failed; will retry`);
    return {
      kind: 'synced',
      mode: 'full',
      fetched: r.fetched,
      logged: r.logged,
      ...NOT_LISTED,
    };
  }
  const history = await syncHistory(ctx);
  if (history.pending.length > 0) {
    throw new SyncIncomplete(`${history.pending.length} messages failed; will retry`);
  }
  if (history.outcome === 'done') {
    return {
      kind: 'synced',
      mode: 'incremental',
      fetched: history.fetched,
      logged: history.logged,
      gmailHistoryId: history.gmailHistoryId,
      outgoing: history.outgoing,
    };
  }
  // History too old: a bounded full sync, never a silent jump that loses mail.
  ctx.progress?.begin('recovery');
  const r = await fullSync(ctx, { recovery: true });
  await recordEvent(ctx.db, {
    orgId: ctx.mailbox.orgId,
    mailboxId: ctx.mailbox.id,
    type: EVENT.mailboxResynced,
    payload: {
      mailbox_id: ctx.mailbox.id,
      reason: 'history_expired',
      since: r.since.toISOString(),
      logged: r.logged,
    },
  });
  if (r.pending.length > 0)
    throw new SyncIncomplete(`${r.pending.length} messages failed; will retry`);
  return {
    kind: 'synced',
    mode: 'recovered',
    fetched: r.fetched,
    logged: r.logged,
    ...NOT_LISTED,
  };
}

/** What status shows for a failed sync: Google's reason, or, for a bug of ours, only its kind. */
export function failureReason(error: unknown): string {
  if (error instanceof SyncIncomplete) return error.message;
  if (isGoogleFailure(error)) return classifyGoogleError(error).reason;
  return `internal error (${error instanceof Error ? error.name : typeof error})`;
}
