// The sync use case a job runs: incremental from the cursor, or full when asked, when the mailbox
// has no cursor yet, or when Gmail no longer has the history since the cursor. Outcomes are
// written to the mailbox (status, last error) and to the outbox.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { events } from '../db/schema.ts';
import { classifyGoogleError } from '../google/gmail-errors.ts';
import type { PacerRegistry } from '../google/mailbox-pacer.ts';
import type { Logger } from '../logger.ts';
import type { MailboxAuth } from '../mailbox/mailbox-auth.ts';
import { type Mailbox, markMailboxRevoked } from '../mailbox/mailbox-store.ts';
import { fullSync } from './full-sync.ts';
import { syncHistory } from './history-sync.ts';
import type { SharedStatements } from './shared-statements.ts';
import type { SyncContext } from './sync-context.ts';

export interface SyncDeps {
  db: Db;
  /** Mailbox reads and cursor moves, batched across the worker's concurrent syncs. */
  shared: SharedStatements;
  log: Logger;
  mailboxAuth: MailboxAuth;
  pacers: PacerRegistry;
  backfillDays: number;
}

export type SyncOutcome =
  | { kind: 'synced'; mode: 'incremental' | 'full' | 'recovered'; fetched: number; logged: number }
  | { kind: 'skipped'; reason: string }
  | { kind: 'revoked' };

/** Thrown so the job queue retries later: some messages failed and the cursor stays before them. */
export class SyncIncomplete extends Error {
  override name = 'SyncIncomplete';
}

export async function syncMailbox(
  deps: SyncDeps,
  mailboxId: string,
  opts: { full?: boolean } = {},
): Promise<SyncOutcome> {
  const mailbox = await deps.shared.readMailbox(mailboxId);
  if (!mailbox) return { kind: 'skipped', reason: 'unknown mailbox' };
  if (mailbox.status === 'revoked' || mailbox.status === 'disconnected') {
    return { kind: 'skipped', reason: mailbox.status };
  }
  const log = deps.log.child({ mailbox_id: mailbox.id });
  try {
    const access = await deps.mailboxAuth.accessFor(mailbox);
    const ctx: SyncContext = {
      db: deps.db,
      log,
      gmail: access.gmail,
      batch: access.batch,
      pacer: deps.pacers.forMailbox(mailbox.id),
      mailbox,
      backfillDays: deps.backfillDays,
      shared: deps.shared,
    };
    const outcome = await runSync(ctx, opts.full === true || mailbox.historyId === null);
    await markHealthy(deps.db, mailbox);
    log.info(outcome, 'mailbox synced');
    return outcome;
  } catch (error) {
    const failure = classifyGoogleError(error);
    if (failure.kind === 'revoked') {
      deps.mailboxAuth.forget(mailbox.id);
      await markMailboxRevoked(deps.db, mailbox, `Google refused the grant: ${failure.reason}`);
      log.warn({ reason: failure.reason }, 'mailbox grant revoked');
      return { kind: 'revoked' };
    }
    await markFailed(
      deps.db,
      mailbox,
      error instanceof SyncIncomplete ? error.message : failure.reason,
    );
    throw error;
  }
}

async function runSync(ctx: SyncContext, full: boolean): Promise<SyncOutcome & { kind: 'synced' }> {
  if (full) {
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

async function markHealthy(db: Db, mailbox: Mailbox): Promise<void> {
  // Most syncs find the mailbox healthy already: no statement then.
  if (mailbox.status === 'active' && mailbox.errorCount === 0 && mailbox.lastError === null) return;
  await db.execute(sql`
    update mailboxes set status = 'active', last_error = null, error_count = 0, next_retry_at = null
     where id = ${mailbox.id} and status in ('syncing', 'error', 'active')
       and (status <> 'active' or error_count > 0 or last_error is not null)`);
}

async function markFailed(db: Db, mailbox: Mailbox, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ error_count: number }>(sql`
      update mailboxes set status = 'error', last_error = ${reason.slice(0, 500)},
             error_count = error_count + 1,
             next_retry_at = now() + least(interval '1 minute' * power(2, error_count), interval '1 hour')
       where id = ${mailbox.id} and status in ('active', 'syncing', 'error')
       returning error_count`);
    if (rows[0]?.error_count === 1) {
      await tx.insert(events).values({
        orgId: mailbox.orgId,
        mailboxId: mailbox.id,
        type: 'mailbox.error',
        payload: { mailbox_id: mailbox.id, email: mailbox.email, reason },
      });
    }
  });
}
