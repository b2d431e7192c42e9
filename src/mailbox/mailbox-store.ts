// The mailboxes table's reads, and its writes that are not the status or the cursor: tokens and
// keys, settings, send-as addresses, the watch, Gmail's throttle. The status moves only by
// mailbox-transitions.ts (the rules: mailbox-states.ts), the cursor only by mailbox-cursor.ts; no
// other module writes the table.

import type { Db } from '../db/database.ts';
import { and, eq, ne, sql } from '../db/orm.ts';
import { type MailboxSettings, mailboxes, type SendAsAddress } from '../db/schema.ts';

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

/** New settings, in the transaction that applies what their blocklist change removes or searches. */
export async function storeSettings(
  tx: Pick<Db, 'update'>,
  id: string,
  settings: MailboxSettings,
): Promise<void> {
  await tx.update(mailboxes).set({ settings, updatedAt: sql`now()` }).where(eq(mailboxes.id, id));
}

/** An erased address taken off every `blocked_addresses` of the org's mailboxes (org/erasure-rows.ts). */
export async function dropBlockedAddress(
  tx: Pick<Db, 'execute'>,
  orgId: string,
  email: string,
): Promise<void> {
  await tx.execute(sql`
    update mailboxes
       set settings = jsonb_set(settings, '{blocked_addresses}', coalesce((
             select jsonb_agg(v) from jsonb_array_elements(settings -> 'blocked_addresses') v
              where lower(v #>> '{}') <> ${email}), '[]'::jsonb))
     where org_id = ${orgId} and settings -> 'blocked_addresses' ? ${email}`);
}

/** The owner's send-as addresses as Gmail listed them just now. */
export async function storeSendAs(db: Db, id: string, list: SendAsAddress[]): Promise<void> {
  await db
    .update(mailboxes)
    .set({ sendAs: list, sendAsRefreshedAt: sql`now()` })
    .where(eq(mailboxes.id, id));
}

/**
 * A reconciliation's gaps it could not repair, shown as the last error (null: none, and one it
 * showed before is cleared; another error stands). A statement for the end of reconcile-store.ts's.
 */
export function recordUnrepairedSql(mailboxId: string, unrepaired: string | null, prefix: string) {
  return sql`
    update mailboxes set last_error = ${unrepaired}, updated_at = now()
     where id = ${mailboxId}
       and (${unrepaired}::text is not null or last_error like ${`${prefix}%`})`;
}
