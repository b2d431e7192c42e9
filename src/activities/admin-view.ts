// What the admin page shows for an org: its mailboxes (status, lag, watch expiry, last error,
// whether the poll trusts their pushes, completeness and the long task under way) and
// the activities logged per minute over the last hour.

import type { Db } from '../db/database.ts';
import { sql } from '../db/orm.ts';
import { pushHealthySql } from '../ingest/push-health.ts';
import { unrepairedMessage } from '../reconcile/reconcile-store.ts';
import { etaSeconds } from '../sync/progress.ts';
import { lagSeconds } from './mailbox-status.ts';

export interface AdminView {
  mailboxes: {
    email: string;
    userId: string;
    /** `user`: its CRM user connected it; `workspace`: the org's, through domain-wide delegation. */
    connectedVia: 'user' | 'workspace';
    /** CRM users it is shared with. */
    members: string[];
    status: string;
    lagSeconds: number;
    watchExpiresAt: Date | null;
    lastError: string | null;
    /** What its activities keep (the mailbox's `visibility`), and whether it may send. */
    visibility: string;
    canSend: boolean;
    /** The last reconciliation: what search expected and how much of it is still missing. */
    completeness: { expected: number; missing: number; checkedAt: Date } | null;
    progress: { phase: string; done: number; total: number; etaSeconds: number | null } | null;
    /** Whether the poll trusts its pushes (checked hourly) and when a check last found one missed. */
    push: { healthy: boolean; checkedAt: Date | null; missedPushAt: Date | null };
    /** Meetings (src/calendar/): granted, last synced, the channel's end, the last failure. */
    calendar: CalendarState;
  }[];
  /** 60 buckets, oldest first: activities logged in each minute of the last hour. */
  perMinute: { minute: Date; count: number }[];
}

export interface CalendarState {
  granted: boolean;
  lastSyncAt: Date | null;
  channelExpiresAt: Date | null;
  lastError: string | null;
}

/** One line for an operator: logged and how fresh, not granted, or what failed. */
export function calendarStateText(c: CalendarState): string {
  if (!c.granted) return 'not granted';
  const at = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
  const synced = c.lastSyncAt ? `synced ${at(c.lastSyncAt)}` : 'not synced yet';
  const channel = c.channelExpiresAt ? `channel to ${at(c.channelExpiresAt)}` : 'no channel';
  return [synced, channel, c.lastError ?? ''].filter(Boolean).join(', ');
}

export async function loadAdminView(db: Db, orgId: string): Promise<AdminView> {
  const [mailboxes, perMinute] = await Promise.all([
    db.execute<{
      email: string;
      user_id: string;
      connected_via: 'user' | 'workspace';
      members: string[];
      status: string;
      connected_at: Date;
      last_sync_at: Date | null;
      last_push_at: Date | null;
      watch_expires_at: Date | null;
      last_error: string | null;
      visibility: string | null;
      can_send: boolean;
      expected: number | null;
      missing: number | null;
      checked_at: Date | null;
      phase: string | null;
      done: number | null;
      total: number | null;
      units_each: number | null;
      units_per_sec: number | null;
      elapsed_s: number | null;
      push_healthy: boolean;
      push_checked_at: Date | null;
      missed_push_at: Date | null;
      calendar_granted: boolean;
      calendar_synced_at: Date | null;
      calendar_channel_expires_at: Date | null;
      calendar_error: string | null;
    }>(sql`
      select m.email, m.user_id, m.connected_via,
             coalesce((select array_agg(mm.user_id order by mm.user_id) from mailbox_members mm
                        where mm.mailbox_id = m.id), '{}') as members,
             m.status, m.connected_at, m.last_sync_at, m.last_push_at,
             m.watch_expires_at, m.last_error, m.settings->>'visibility' as visibility,
             exists (select 1 from unnest(m.scopes) s where s like '%gmail.send') as can_send,
             r.expected, r.missing, r.checked_at,
             p.phase, p.done, p.total, p.units_each, p.units_per_sec,
             extract(epoch from now() - p.started_at)::float8 as elapsed_s,
             ${sql.raw(pushHealthySql('m'))} as push_healthy, m.checked_at as push_checked_at,
             m.missed_push_at,
             exists (select 1 from unnest(m.scopes) s where s like '%calendar.events.readonly') as calendar_granted,
             c.last_sync_at as calendar_synced_at, c.channel_expires_at as calendar_channel_expires_at,
             c.last_error as calendar_error
        from mailboxes m
        left join calendar_syncs c on c.mailbox_id = m.id
        left join mailbox_reconciliations r on r.mailbox_id = m.id
        left join sync_progress p on p.mailbox_id = m.id
       where m.org_id = ${orgId} and m.status <> 'disconnected' order by m.email`),
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
      connectedVia: m.connected_via,
      members: m.members,
      status: m.status,
      lagSeconds: lagSeconds({
        connectedAt: new Date(m.connected_at),
        lastSyncAt: m.last_sync_at ? new Date(m.last_sync_at) : null,
        lastPushAt: m.last_push_at ? new Date(m.last_push_at) : null,
      }),
      watchExpiresAt: m.watch_expires_at ? new Date(m.watch_expires_at) : null,
      visibility: m.visibility ?? 'full',
      canSend: m.can_send,
      // As in status: gaps a reconciliation could not repair stay shown after a healthy sync.
      lastError: m.last_error ?? unrepairedMessage(m.missing ?? 0),
      completeness:
        m.expected === null || m.missing === null || m.checked_at === null
          ? null
          : { expected: m.expected, missing: m.missing, checkedAt: new Date(m.checked_at) },
      calendar: {
        granted: m.calendar_granted,
        lastSyncAt: m.calendar_synced_at ? new Date(m.calendar_synced_at) : null,
        channelExpiresAt: m.calendar_channel_expires_at
          ? new Date(m.calendar_channel_expires_at)
          : null,
        lastError: m.calendar_error,
      },
      push: {
        healthy: m.push_healthy,
        checkedAt: m.push_checked_at ? new Date(m.push_checked_at) : null,
        missedPushAt: m.missed_push_at ? new Date(m.missed_push_at) : null,
      },
      progress:
        m.phase === null
          ? null
          : {
              phase: m.phase,
              done: m.done ?? 0,
              total: m.total ?? 0,
              etaSeconds: etaSeconds({
                done: m.done ?? 0,
                total: m.total ?? 0,
                units_each: m.units_each ?? 0,
                units_per_sec: m.units_per_sec ?? 0,
                elapsed_s: m.elapsed_s ?? 0,
              }),
            },
    })),
    perMinute: perMinute.rows.map((r) => ({ minute: new Date(r.minute), count: r.count })),
  };
}
