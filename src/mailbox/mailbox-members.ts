// Shared mailboxes: the CRM users a mailbox is shared with (its members) see its activities as its
// visibility allows (activities/activity-audience.ts) and may send from it (`"mailbox"` on send).
// An admin or the mailbox's own user shares it; the org's Workspace mailboxes have no user of their
// own, so only an admin shares those. GET /org/mailboxes lists every live mailbox of the org.
import { AppError } from '../app-error.ts';
import type { Db } from '../db/database.ts';
import { and, eq, ne, sql } from '../db/orm.ts';
import { type ConnectedVia, mailboxes } from '../db/schema.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import type { Mailbox } from './mailbox-store.ts';

export interface OrgMailboxView {
  id: string;
  address: string;
  owner: { type: 'user' | 'org'; user_id: string | null };
  status: string;
  connected_via: ConnectedVia;
  members: string[];
}

export interface MemberActor {
  orgId: string;
  userId: string;
  admin: boolean;
}

/** A mailbox row with its members, as the statements below read it. */
type MemberRow = {
  id: string;
  email: string;
  user_id: string;
  status: string;
  connected_via: ConnectedVia;
  members: string[];
};

export async function listOrgMailboxes(db: Db, orgId: string): Promise<OrgMailboxView[]> {
  const { rows } = await db.execute<MemberRow>(sql`
    select m.id, m.email, m.user_id, m.status, m.connected_via,
           coalesce((select array_agg(mm.user_id order by mm.user_id) from mailbox_members mm
                      where mm.mailbox_id = m.id), '{}') as members
      from mailboxes m
     where m.org_id = ${orgId} and m.status <> 'disconnected'
     order by m.email`);
  return rows.map(orgMailboxView);
}

function orgMailboxView(r: MemberRow): OrgMailboxView {
  const org = r.connected_via === 'workspace';
  return {
    id: r.id,
    address: r.email,
    owner: { type: org ? 'org' : 'user', user_id: org ? null : r.user_id },
    status: r.status,
    connected_via: r.connected_via,
    members: r.members,
  };
}

/** Replaces the mailbox's members; by an admin, or by the mailbox's own user. */
export async function setMailboxMembers(
  db: Db,
  actor: MemberActor,
  mailboxId: string,
  userIds: string[],
): Promise<OrgMailboxView> {
  const [mailbox] = await db
    .select()
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.id, mailboxId),
        eq(mailboxes.orgId, actor.orgId),
        ne(mailboxes.status, 'disconnected'),
      ),
    );
  if (!mailbox)
    throw new AppError('not_found', 'no connected mailbox with this id in your organisation');
  const owner = mailbox.connectedVia === 'user' && mailbox.userId === actor.userId;
  if (!owner && !actor.admin) {
    throw new AppError('forbidden', "only an admin or the mailbox's own user may share it");
  }
  const members = [...new Set(userIds)].sort();
  await db.transaction(async (tx) => {
    await tx.execute(sql`delete from mailbox_members where mailbox_id = ${mailbox.id}`);
    await tx.execute(sql`
      insert into mailbox_members (mailbox_id, org_id, user_id, added_by)
      select ${mailbox.id}::uuid, ${actor.orgId}, u, ${actor.userId}
        from unnest(${sqlArray(members, 'text')}) as u`);
  });
  return orgMailboxView({
    id: mailbox.id,
    email: mailbox.email,
    user_id: mailbox.userId,
    status: mailbox.status,
    connected_via: mailbox.connectedVia,
    members,
  });
}

/** Whether the user is a member of any live mailbox of the org (may send from one). */
export async function isMemberOfAny(db: Db, orgId: string, userId: string): Promise<boolean> {
  const { rows } = await db.execute(sql`
    select 1 from mailbox_members mm join mailboxes m on m.id = mm.mailbox_id
     where mm.org_id = ${orgId} and mm.user_id = ${userId} and m.status <> 'disconnected'
     limit 1`);
  return rows.length > 0;
}

/**
 * The live mailbox of the org at `address` that the caller may send from: their own, or one shared
 * with them. Anything else is refused alike (not found or not shared), so nothing leaks.
 */
export async function findSharedMailbox(
  db: Db,
  caller: { orgId: string; userId: string },
  address: string,
): Promise<Mailbox> {
  const [mailbox] = await db
    .select()
    .from(mailboxes)
    .where(
      and(
        eq(mailboxes.orgId, caller.orgId),
        eq(mailboxes.email, address.toLowerCase()),
        ne(mailboxes.status, 'disconnected'),
        sql`((${mailboxes.connectedVia} = 'user' and ${mailboxes.userId} = ${caller.userId})
             or exists (select 1 from mailbox_members mm
                         where mm.mailbox_id = ${mailboxes.id} and mm.user_id = ${caller.userId}))`,
      ),
    )
    .limit(1);
  if (!mailbox) {
    throw new AppError('forbidden', `mailbox: ${address} is not shared with you`, {
      details: { field: 'mailbox' },
    });
  }
  return mailbox;
}
