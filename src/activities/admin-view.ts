// What the admin page shows for an org: its mailboxes (status, lag, watch expiry, last error) and
// the activities logged per minute over the last hour.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { lagSeconds } from '../mailbox/mailbox-status.ts';

export interface AdminView {
  mailboxes: {
    email: string;
    userId: string;
    status: string;
    lagSeconds: number;
    watchExpiresAt: Date | null;
    lastError: string | null;
  }[];
  /** 60 buckets, oldest first: activities logged in each minute of the last hour. */
  perMinute: { minute: Date; count: number }[];
}

export async function loadAdminView(db: Db, orgId: string): Promise<AdminView> {
  const [mailboxes, perMinute] = await Promise.all([
    db.execute<{
      email: string;
      user_id: string;
      status: string;
      connected_at: Date;
      last_sync_at: Date | null;
      last_push_at: Date | null;
      watch_expires_at: Date | null;
      last_error: string | null;
    }>(sql`
      select email, user_id, status, connected_at, last_sync_at, last_push_at, watch_expires_at, last_error
        from mailboxes where org_id = ${orgId} and status <> 'disconnected' order by email`),
    db.execute<{ minute: Date; count: number }>(sql`
      select m.minute, count(a.id)::int as count
        from generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()), interval '1 minute') as m(minute)
        left join activities a on a.org_id = ${orgId} and date_trunc('minute', a.logged_at) = m.minute
       group by m.minute order by m.minute`),
  ]);
  return {
    mailboxes: mailboxes.rows.map((m) => ({
      email: m.email,
      userId: m.user_id,
      status: m.status,
      lagSeconds: lagSeconds({
        connectedAt: new Date(m.connected_at),
        lastSyncAt: m.last_sync_at ? new Date(m.last_sync_at) : null,
        lastPushAt: m.last_push_at ? new Date(m.last_push_at) : null,
      }),
      watchExpiresAt: m.watch_expires_at ? new Date(m.watch_expires_at) : null,
      lastError: m.last_error,
    })),
    perMinute: perMinute.rows.map((r) => ({ minute: new Date(r.minute), count: r.count })),
  };
}
