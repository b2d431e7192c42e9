// Who sees which mailbox's mail. A mailbox its own CRM user connected is on the CRM's timelines for
// the whole org, as before (its user chose to log it). A mailbox the org owns (connected through its
// Workspace, no CRM user's) is a shared mailbox: its mail is seen by the org's admins and the CRM
// users it is shared with (PUT /org/mailboxes/{id}/members), by no one else. docs/workspace.md.
import { sql } from '../db/orm.ts';

/** The CRM caller reading: every read of activities is scoped to the org and to this audience. */
export interface Viewer {
  orgId: string;
  userId: string;
  admin: boolean;
}

/** A condition over `a` (an activities row): `viewer` may see the mail of the mailbox that logged it. */
export function seenBy(viewer: Viewer) {
  return sql`exists (
    select 1 from mailboxes m
     where m.id = a.mailbox_id
       and (m.connected_via = 'user' or ${viewer.admin}::boolean
            or exists (select 1 from mailbox_members mm
                        where mm.mailbox_id = m.id and mm.user_id = ${viewer.userId})))`;
}
