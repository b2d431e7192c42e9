// Reads and small writes of the mailboxes table, shared by connect, sync and the routes.

import type { Db } from '../db/database.ts';
import { and, eq, ne, sql } from '../db/orm.ts';
import { events, type MailboxStatus, mailboxes } from '../db/schema.ts';

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
    .where(and(eq(mailboxes.orgId, orgId), eq(mailboxes.userId, userId), live))
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
    await tx.insert(events).values({
      orgId: mailbox.orgId,
      mailboxId: mailbox.id,
      type: 'mailbox.revoked',
      payload: { mailbox_id: mailbox.id, email: mailbox.email, user_id: mailbox.userId, reason },
    });
  });
}
