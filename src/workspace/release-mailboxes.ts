// Disconnecting a Workspace's mailboxes (users suspended, deleted or taken out of scope, or the whole
// Workspace): in one statement they stop all work and the CRM is told; stopping each watch is
// owed, as for a user's disconnect when Google is unreachable (mailbox/disconnect.ts, a
// finish_disconnect job each). A delegated mailbox has no grant to revoke: the admin's
// authorisation stays with the domain. Activities stay.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { sqlArray } from '../db/sql-arrays.ts';
import { EVENT } from '../events/event-types.ts';
import { askEventDelivery, insertEventsSql } from '../events/record-events.ts';
import { disconnectSql } from '../mailbox/mailbox-transitions.ts';
import { addJobsSql } from '../queue/add-jobs.ts';
import { mailboxJobSpecSql } from '../queue/enqueue.ts';

export type ReleaseReason = 'suspended' | 'deleted' | 'out_of_scope' | 'workspace_removed';

export async function releaseWorkspaceMailboxes(
  db: Pick<Db, 'execute'>,
  orgId: string,
  which: { ids: string[]; reason: ReleaseReason } | { all: true },
): Promise<number> {
  const reason = 'all' in which ? 'workspace_removed' : which.reason;
  const ids = 'all' in which ? null : which.ids;
  if (ids?.length === 0) return 0;
  const { rows } = await db.execute<{ n: number }>(sql`
    with gone as (${disconnectSql(sql`org_id = ${orgId} and connected_via = 'workspace' ${ids ? sql`and id = any(${sqlArray(ids, 'uuid')})` : sql``}`)}),
    announced as (
      ${insertEventsSql(sql`
      select org_id, id, ${EVENT.mailboxDisconnected}::text,
             jsonb_build_object('mailbox_id', id, 'email', email, 'user_id', user_id,
                                'connected_via', 'workspace', 'reason', ${reason}::text)
        from gone`)}
    ),
    owed as (
      select ${addJobsSql(sql`select ${sql.raw(mailboxJobSpecSql('finishDisconnect'))} from gone`, { keepRunAt: true })} as job
    )
    select count(*)::int as n, (select count(*) from owed)::int as jobs from gone`);
  const released = rows[0]?.n ?? 0;
  if (released > 0) await askEventDelivery(db);
  return released;
}
