// The sync use case a job runs: incremental from the cursor, or full when asked, when the mailbox
// has no cursor yet, or when Gmail no longer has the history since the cursor. Outcomes are
// written to the mailbox (status, last error) and to the outbox.

import type { Db } from '../db/database.ts';
import { events } from '../db/schema.ts';
import { classifyGoogleError, isGoogleFailure } from '../google/gmail-errors.ts';
import { gmailHistoryId } from '../google/gmail-history-id.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import type { MailboxAuth } from '../mailbox/mailbox-auth.ts';
import { markSyncFailed, markSyncHealthy } from '../mailbox/mailbox-store.ts';
import { handleRevokedGrant } from '../mailbox/revocation.ts';
import type { Metrics } from '../metrics.ts';
import type { OrgRulesSource } from '../org/org-rules.ts';
import { fullSync } from './full-sync.ts';
import { syncHistory } from './history-sync.ts';
import type { SearchFirstOptions } from './search-first.ts';
import type { SharedStatements } from './shared-statements.ts';
import { openSyncContext, type SyncContext } from './sync-context.ts';

export interface SyncDeps {
  db: Db;
  /** Mailbox reads and cursor moves, batched across the worker's concurrent syncs. */
  shared: SharedStatements;
  log: Logger;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
  backfillDays: number;
  metrics?: Pick<Metrics, 'messagesDeadLettered'> | undefined;
  /** Search before fetch (search-first.ts); absent, every new mail is fetched. */
  searchFirst?: SearchFirstOptions | undefined;
  /** What no mailbox of the org may log (never_log, erased people). */
  orgRules: OrgRulesSource;
}

export type SyncOutcome =
  | { kind: 'synced'; mode: 'incremental' | 'full' | 'recovered'; fetched: number; logged: number }
  /** A probing sync found Gmail where the cursor is: no history listed. */
  | { kind: 'up_to_date' }
  | { kind: 'skipped'; reason: string }
  | { kind: 'revoked' };

/** Thrown so the job queue retries later: some messages failed and the cursor stays before them. */
export class SyncIncomplete extends Error {
  override name = 'SyncIncomplete';
}

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
  const log = deps.log.child({ mailbox_id: mailbox.id });
  try {
    const ctx = await openSyncContext(deps, mailbox, log);
    const full = opts.full === true || mailbox.historyId === null;
    if (
      opts.probe &&
      !full &&
      (await gmailHistoryId(ctx.gmail, ctx.pacer)) <= (mailbox.historyId ?? 0)
    ) {
      return { kind: 'up_to_date' };
    }
    const outcome = await runSync(ctx, full).finally(() => ctx.progress.end());
    await markSyncHealthy(deps.db, mailbox);
    log.info(outcome, 'mailbox synced');
    return outcome;
  } catch (error) {
    if (await handleRevokedGrant(deps, mailbox, error)) {
      log.warn('mailbox grant revoked');
      return { kind: 'revoked' };
    }
    await markSyncFailed(deps.db, mailbox, failureReason(error));
    throw error;
  }
}

async function runSync(ctx: SyncContext, full: boolean): Promise<SyncOutcome & { kind: 'synced' }> {
  if (full) {
    ctx.progress?.begin('backfill');
    const r = await fullSync(ctx);
    if (r.pending.length > 0)
      throw new SyncIncomplete(`${r.pending.length} messages failed; will retry`);
    return { kind: 'synced', mode: 'full', fetched: r.fetched, logged: r.logged };
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
    };
  }
  // History too old: a bounded full sync, never a silent jump that loses mail.
  ctx.progress?.begin('recovery');
  const r = await fullSync(ctx);
  await ctx.db.insert(events).values({
    orgId: ctx.mailbox.orgId,
    mailboxId: ctx.mailbox.id,
    type: 'mailbox.resynced',
    payload: {
      mailbox_id: ctx.mailbox.id,
      reason: 'history_expired',
      since: r.since.toISOString(),
      logged: r.logged,
    },
  });
  if (r.pending.length > 0)
    throw new SyncIncomplete(`${r.pending.length} messages failed; will retry`);
  return { kind: 'synced', mode: 'recovered', fetched: r.fetched, logged: r.logged };
}

/** What status shows for a failed sync: Google's reason, or, for a bug of ours, only its kind. */
export function failureReason(error: unknown): string {
  if (error instanceof SyncIncomplete) return error.message;
  if (isGoogleFailure(error)) return classifyGoogleError(error).reason;
  return `internal error (${error instanceof Error ? error.name : typeof error})`;
}
