// Reads and small writes of the mailboxes table, shared by connect, sync and the routes.

import type { Db } from '../db/database.ts';
import { and, eq, ne, sql } from '../db/orm.ts';
import { type MailboxStatus, mailboxes } from '../db/schema.ts';
import { EVENT } from '../events/event-types.ts';
import { recordEvent } from '../events/record-events.ts';

export type Mailbox = typeof mailboxes.$inferSelect;

const live = ne(mailboxes.status, 'disconnected');

export async function findMailboxForUser(
  db: Db,
  orgId: string,
  userId: string,
): Promise<Mailbox | undefined> {
  const rows = await db
    .select()
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.orgId, orgId),
        eq(mailboxes.userId, userId),
        eq(mailboxes.connectedVia, 'user'),
        live,
      ),
    )
    .limit(1);
  return rows[0];
}

export async function findLiveMailboxByEmail(db: Db, email: string): Promise<Mailbox | undefined> {
  const rows = await db
    .select()
    .from(mailboxes)
    .where(and(eq(mailboxes.email, email.toLowerCase()), live))
    .limit(1);
  return rows[0];
}

export async function getMailbox(db: Db, id: string): Promise<Mailbox | undefined> {
  const rows = await db.select().from(mailboxes).where(eq(mailboxes.id, id)).limit(1);
  return rows[0];
}

export async function setMailboxStatus(
  db: Db,
  id: string,
  status: MailboxStatus,
  lastError: string | null = null,
): Promise<void> {
  await db
    .update(mailboxes)
    .set({ status, lastError, updatedAt: sql`now()` })
    .where(eq(mailboxes.id, id));
}

/**
 * The grant is gone (revoked, expired, password changed): stop the mailbox's work and tell the CRM.
 * Idempotent: only the first caller writes the event.
 */
export async function markMailboxRevoked(db: Db, mailbox: Mailbox, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const changed = await tx
      .update(mailboxes)
      .set({ status: 'revoked', lastError: reason, updatedAt: sql`now()` })
      .where(and(eq(mailboxes.id, mailbox.id), ne(mailboxes.status, 'revoked'), live))
      .returning({ id: mailboxes.id });
    if (changed.length === 0) return;
    await recordEvent(tx, {
      orgId: mailbox.orgId,
      mailboxId: mailbox.id,
      type: EVENT.mailboxRevoked,
      payload: { mailbox_id: mailbox.id, email: mailbox.email, user_id: mailbox.userId, reason },
    });
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
         set status = 'needs_admin', last_error = ${reason.slice(0, 500)},
             next_retry_at = now() + interval '${sql.raw(NEEDS_ADMIN_PROBE)}', updated_at = now()
        from (select id, status from mailboxes where id = ${mailbox.id} for update) old
       where m.id = old.id and old.status in ('active', 'syncing', 'error', 'needs_admin')
       returning old.status as was`);
    if (rows[0] === undefined || rows[0].was === 'needs_admin') return;
    await recordEvent(tx, {
      orgId: mailbox.orgId,
      mailboxId: mailbox.id,
      type: EVENT.mailboxNeedsAdmin,
      payload: { mailbox_id: mailbox.id, email: mailbox.email, user_id: mailbox.userId, reason },
    });
  });
}

/** Gmail refused for rate until `until`: kept (the latest named) so status shows it. */
export async function markThrottled(db: Db, mailboxId: string, until: Date): Promise<void> {
  await db.execute(sql`
    update mailboxes
       set throttled_until = greatest(throttled_until, ${until.toISOString()}::timestamptz)
     where id = ${mailboxId}`);
}

/** A watch registered or renewed: its expiry, and a watch error no longer stands. */
export async function recordWatch(db: Db, id: string, expiresAt: Date): Promise<void> {
  await db
    .update(mailboxes)
    .set({
      watchExpiresAt: expiresAt,
      watchRenewedAt: sql`now()`,
      lastError: sql`case when ${mailboxes.lastError} like 'watch%' then null else ${mailboxes.lastError} end`,
    })
    .where(eq(mailboxes.id, id));
}

/** The watch could not be made: the poll keeps syncing, the error says push is not working. */
export async function recordWatchFailure(db: Db, id: string, reason: string): Promise<void> {
  await db
    .update(mailboxes)
    .set({ lastError: `watch failed: ${reason.slice(0, 200)}`, updatedAt: sql`now()` })
    .where(eq(mailboxes.id, id));
}

/** The user disconnected: no more work for it; the grant's revocation is owed until done. */
export async function markDisconnected(db: Db, mailbox: Mailbox, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(mailboxes)
      .set({
        status: 'disconnected',
        disconnectedAt: sql`now()`,
        pendingRevoke: true,
        updatedAt: sql`now()`,
      })
      .where(eq(mailboxes.id, mailbox.id));
    await recordEvent(tx, {
      orgId: mailbox.orgId,
      mailboxId: mailbox.id,
      type: EVENT.mailboxDisconnected,
      payload: { mailbox_id: mailbox.id, email: mailbox.email, user_id: userId },
    });
  });
}

/** Crypto-shredding: the sealed tokens and their wrapped data key are deleted. */
export async function shredTokens(db: Db, id: string): Promise<void> {
  await db
    .update(mailboxes)
    .set({
      sealedTokens: null,
      wrappedKey: null,
      keyId: null,
      pendingRevoke: false,
      updatedAt: sql`now()`,
    })
    .where(and(eq(mailboxes.id, id), eq(mailboxes.status, 'disconnected')));
}

/** Refreshed tokens, sealed under the same data key; only while that key is still in place (a
 * reconnect or a rotation in between wins). */
export async function storeRefreshedTokens(
  db: Db,
  id: string,
  sealedTokens: Buffer,
  underWrappedKey: Buffer,
): Promise<void> {
  await db
    .update(mailboxes)
    .set({ sealedTokens, updatedAt: sql`now()` })
    .where(and(eq(mailboxes.id, id), eq(mailboxes.wrappedKey, underWrappedKey)));
}

/** A data key rewrapped by key rotation: compare-and-set on the wrapped key that was read. */
export async function replaceWrappedKey(
  db: Db,
  id: string,
  old: { wrappedKey: Buffer; keyId: string },
  next: { wrappedKey: Buffer; keyId: string },
): Promise<boolean> {
  const changed = await db
    .update(mailboxes)
    .set({ wrappedKey: next.wrappedKey, keyId: next.keyId, updatedAt: sql`now()` })
    .where(
      and(
        eq(mailboxes.id, id),
        eq(mailboxes.wrappedKey, old.wrappedKey),
        eq(mailboxes.keyId, old.keyId),
      ),
    )
    .returning({ id: mailboxes.id });
  return changed.length > 0;
}

/** A sync finished: the mailbox is healthy again (no statement when it already was); one whose
 * account was out of reach is back by itself. */
export async function markSyncHealthy(db: Db, mailbox: Mailbox): Promise<void> {
  if (mailbox.status === 'active' && mailbox.errorCount === 0 && mailbox.lastError === null) return;
  await db.execute(sql`
    update mailboxes set status = 'active', last_error = null, error_count = 0, next_retry_at = null
     where id = ${mailbox.id} and status in ('syncing', 'error', 'active', 'needs_admin')
       and (status <> 'active' or error_count > 0 or last_error is not null)`);
}

/**
 * A sync failed: the mailbox is in error, retried by the poll after a backoff that doubles up to
 * an hour; the first failure in a row tells the CRM.
 */
export async function markSyncFailed(db: Db, mailbox: Mailbox, reason: string): Promise<void> {
  await db.transaction(async (tx) => {
    const { rows } = await tx.execute<{ error_count: number }>(sql`
      update mailboxes set status = 'error', last_error = ${reason.slice(0, 500)},
             error_count = error_count + 1,
             next_retry_at = now() + least(interval '1 minute' * power(2, error_count), interval '1 hour')
       where id = ${mailbox.id} and status in ('active', 'syncing', 'error')
       returning error_count`);
    if (rows[0]?.error_count === 1) {
      await recordEvent(tx, {
        orgId: mailbox.orgId,
        mailboxId: mailbox.id,
        type: EVENT.mailboxError,
        payload: { mailbox_id: mailbox.id, email: mailbox.email, reason },
      });
    }
  });
}
