// Every write of a mailbox's status: each statement moves it by one event of the table in
// mailbox-states.ts and is guarded by it (`status = any(the states the event may leave)`), so a
// late sync cannot bring back a revoked or disconnected mailbox. The CRM is told in the same
// transaction, once, by whichever caller made the move.

import type { SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { eq, sql } from '../db/orm.ts';
import { mailboxes } from '../db/schema.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import { type NewEvent, recordEvent } from '../events/record-events.ts';
import {
  checkedTransition,
  leavableStatuses,
  MAILBOX_TRANSITIONS,
  type MailboxEvent,
  parseStatus,
  transition,
} from './mailbox-states.ts';
import type { Mailbox } from './mailbox-store.ts';

type Executor = Pick<Db, 'execute'>;
type Writer = Pick<Db, 'execute' | 'insert' | 'update'>;

/** The events a move of status tells the CRM of. */
type MailboxMoveEvent =
  | typeof EVENT.mailboxError
  | typeof EVENT.mailboxNeedsAdmin
  | typeof EVENT.mailboxRevoked
  | typeof EVENT.mailboxDisconnected;

/** `status` may leave by `event`: the guard every status statement carries. */
const leaves = (event: MailboxEvent, column: SQL = sql`status`) =>
  sql`${column} = any(${sqlArray(leavableStatuses(event), 'text')})`;

const enters = (event: MailboxEvent) => MAILBOX_TRANSITIONS[event].to;

/** The CRM told of a move, in its transaction (record-events.ts asks for its delivery):
 * `mailbox_id` and `email`, and what `extra` adds. */
async function tell(
  tx: Executor,
  mailbox: Pick<Mailbox, 'id' | 'orgId' | 'email'>,
  type: MailboxMoveEvent,
  extra: Record<string, string | null>,
): Promise<void> {
  const payload = { mailbox_id: mailbox.id, email: mailbox.email, ...extra };
  await recordEvent(tx, { orgId: mailbox.orgId, mailboxId: mailbox.id, type, payload } as NewEvent);
}

/** What a connection writes besides the status (connect.ts, workspace/connect-delegated.ts). */
export type ConnectionValues = Omit<
  typeof mailboxes.$inferInsert,
  'id' | 'orgId' | 'email' | 'status'
>;

/**
 * A connection made (a user's consent, or a Workspace's delegation): a new row, or the row read
 * before (`previous`) taken again. False when that row has meanwhile left a state the event may
 * leave (a concurrent connection won).
 */
export async function storeConnection(
  tx: Writer,
  event: 'connected' | 'delegated',
  row: { id: string; orgId: string; email: string },
  previous: Pick<Mailbox, 'status'> | undefined,
  values: ConnectionValues,
): Promise<boolean> {
  if (!previous) {
    const status = transition(event, 'new');
    await tx.insert(mailboxes).values({ ...row, ...values, status });
    return true;
  }
  const status = checkedTransition(event, previous.status);
  const changed = await tx
    .update(mailboxes)
    .set({ ...values, status })
    .where(sql`${eq(mailboxes.id, row.id)} and ${leaves(event, sql`${mailboxes.status}`)}`)
    .returning({ id: mailboxes.id });
  return changed.length > 0;
}

/**
 * A Workspace mailbox whose delegation works again: it syncs from its cursor. A new connected_at:
 * every process drops the client that held the refused delegation.
 */
export async function restoreDelegation(tx: Executor, mailboxId: string): Promise<boolean> {
  const { rows } = await tx.execute(sql`
    update mailboxes
       set status = ${enters('delegation_restored')}, last_error = null, error_count = 0,
           next_retry_at = null, connected_at = now(), updated_at = now()
     where id = ${mailboxId} and ${leaves('delegation_restored')}
    returning id`);
  return rows.length > 0;
}

/** A sync finished: the mailbox is healthy again (no statement when it already was); one whose
 * account was out of reach is back by itself. */
export async function markSyncHealthy(db: Executor, mailbox: Mailbox): Promise<void> {
  if (mailbox.status === 'active' && mailbox.errorCount === 0 && mailbox.lastError === null) return;
  await db.execute(sql`
    update mailboxes set status = ${enters('synced')}, last_error = null, error_count = 0,
           next_retry_at = null
     where id = ${mailbox.id} and ${leaves('synced')}
       and (status <> 'active' or error_count > 0 or last_error is not null)`);
}

/**
 * A sync failed: the mailbox is in error, retried by the poll after a backoff that doubles up to
 * an hour; the first failure in a row tells the CRM.
 */
export async function markSyncFailed(db: Db, mailbox: Mailbox, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ error_count: number }>(sql`
      update mailboxes set status = ${enters('sync_failed')}, last_error = ${reason.slice(0, 500)},
             error_count = error_count + 1,
             next_retry_at = now() + least(interval '1 minute' * power(2, error_count), interval '1 hour')
       where id = ${mailbox.id} and ${leaves('sync_failed')}
       returning error_count`);
    if (rows[0]?.error_count === 1) await tell(tx, mailbox, EVENT.mailboxError, { reason });
  });
}

/** How often a mailbox whose account is out of reach (`needs_admin`) is tried again. */
export const NEEDS_ADMIN_PROBE = '1 hour';

/**
 * The account is out of reach for now (Gmail disabled for it, its domain's policy, suspended): the
 * mailbox waits, tried again hourly (the poll's probe), and the CRM is told once, when it enters
 * the state. Each failed probe sets the next one an hour on.
 */
export async function markNeedsAdmin(db: Db, mailbox: Mailbox, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ was: string }>(sql`
      update mailboxes m
         set status = ${enters('account_unavailable')}, last_error = ${reason.slice(0, 500)},
             next_retry_at = now() + interval '${sql.raw(NEEDS_ADMIN_PROBE)}', updated_at = now()
        from (select id, status from mailboxes where id = ${mailbox.id} for update) old
       where m.id = old.id and ${leaves('account_unavailable', sql`old.status`)}
       returning old.status as was`);
    if (rows[0] === undefined || parseStatus(rows[0].was) === 'needs_admin') return;
    await tell(tx, mailbox, EVENT.mailboxNeedsAdmin, { user_id: mailbox.userId, reason });
  });
}

/**
 * The grant is gone (revoked, expired, password changed): stop the mailbox's work and tell the CRM.
 * Idempotent: only the first caller writes the event.
 */
export async function markMailboxRevoked(db: Db, mailbox: Mailbox, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute(sql`
      update mailboxes set status = ${enters('grant_revoked')}, last_error = ${reason},
             updated_at = now()
       where id = ${mailbox.id} and ${leaves('grant_revoked')}
      returning id`);
    if (rows.length === 0) return;
    await tell(tx, mailbox, EVENT.mailboxRevoked, { user_id: mailbox.userId, reason });
  });
}

/** The user disconnected: no more work for it; the grant's revocation is owed until done. Told
 * once: a second disconnect of the same row changes nothing. */
export async function markDisconnected(db: Db, mailbox: Mailbox, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute(disconnectSql(sql`id = ${mailbox.id}`));
    if (rows.length === 0) return;
    await tell(tx, mailbox, EVENT.mailboxDisconnected, { user_id: userId });
  });
}

/**
 * The statement that disconnects the mailboxes `where` names (those still live), returning
 * `id, org_id, email, user_id` of each: alone, or as a CTE of a larger statement (a Workspace's
 * release, workspace/release-mailboxes.ts, tells the CRM and owes each watch's stop in it).
 */
export function disconnectSql(where: SQL): SQL {
  return sql`
    update mailboxes
       set status = ${enters('disconnected')}, disconnected_at = now(), pending_revoke = true,
           updated_at = now()
     where ${where} and ${leaves('disconnected')}
    returning id, org_id, email, user_id`;
}
